import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import { loadAttachment } from "~/portal/family-files/family-file.server";

/**
 * Downloads an attachment of one of the commune's family files. A resource route: only this
 * loader runs, so it checks membership itself, and an id of another commune is a plain 404.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const db = await getDatabase();
  const attachment = await loadAttachment(db, collectivity.id, params.familyId ?? "", params.attachmentId ?? "");
  if (!attachment) throw notFound();
  await recordAudit(db, {
    actor: agent.id,
    collectivityId: collectivity.id,
    action: "attachment.downloaded",
    targetType: "attachment",
    targetId: attachment.id,
    requestId: context.requestId,
    details: { familyId: params.familyId },
  });
  // The file name carries the citizen's names: RFC 5987 encoding, with an ASCII fallback.
  const ascii =
    attachment.fileName
      .normalize("NFD")
      .replace(/[^\x20-\x7e]/g, "")
      .replace(/["\\]/g, "_") || "piece-jointe";
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      "Content-Type": attachment.mimeType,
      "Content-Length": String(attachment.content.length),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
