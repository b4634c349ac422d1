import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import { exportHeaders, findExport, storedExportStream } from "~/portal/exports/exports.server";

/** Downloads a ready background export of the commune; anything else (another commune's, expired) is a 404. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const db = await getDatabase();
  const found = await findExport(db, collectivity.id, params.exportId ?? "");
  if (!found || found.status !== "ready" || found.expiresAt <= new Date()) throw notFound();
  await recordAudit(db, {
    actor: agent.id,
    collectivityId: collectivity.id,
    action: "family_file.export_downloaded",
    targetType: "export",
    targetId: found.id,
    requestId: context.requestId,
    details: { format: found.format, rows: found.totalRows },
  });
  return new Response(storedExportStream(db, found.id), {
    headers: exportHeaders(found.format, found.fileName, found.byteSize),
  });
}
