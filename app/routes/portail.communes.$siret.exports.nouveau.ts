import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { isExportFormat } from "~/portal/exports/export-formats";
import { exportHeaders, requestExport, streamExport } from "~/portal/exports/exports.server";
import { parseInboxQuery } from "~/portal/dossiers/dossier-list-query.server";

/**
 * "Exporter" of the inbox (a native POST form, so the browser downloads the file). The form
 * carries the inbox's own search params: the export's scope is parsed by parseInboxQuery,
 * exactly like the list's. Small exports stream back at once; large ones go to the worker
 * and the agent lands on the export's status page.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const form = await request.formData();
  const format = form.get("format");
  if (!isExportFormat(format)) {
    return new Response("Format d’export inconnu : choisissez CSV, XLSX ou ODS.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const search = new URLSearchParams();
  for (const [key, value] of form) if (key !== "format" && typeof value === "string") search.append(key, value);
  const query = parseInboxQuery(search);
  const db = await getDatabase();
  const decision = await requestExport(db, {
    collectivity: { id: collectivity.id, name: collectivity.name },
    agentId: agent.id,
    query,
    format,
    threshold: getConfig().EXPORT_BACKGROUND_THRESHOLD,
    requestId: context.requestId,
  });
  if (decision.mode === "background") {
    return redirect(`/portail/communes/${collectivity.siret}/exports/${decision.exportId}`, 303);
  }
  return new Response(streamExport(format, decision.source), { headers: exportHeaders(format, decision.fileName) });
}

/** A GET here (a reload, a typed URL) has nothing to export: back to the inbox. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  return redirect(`/portail/communes/${collectivity.siret}/dossiers`);
}
