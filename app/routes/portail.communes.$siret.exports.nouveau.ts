import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import { redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { isExportFormat, type ExportFormat } from "~/portal/exports/export-formats";
import { exportHeaders, requestExport, streamExport } from "~/portal/exports/exports.server";
import { parseInboxQuery } from "~/portal/dossiers/dossier-list-query.server";

/** The one field of the form; the others are the inbox's search params, read by parseInboxQuery. */
const FORMAT_ERROR = "Format d’export inconnu : choisissez CSV, XLSX ou ODS.";
const exportFormSchema = z.object({ format: z.custom<ExportFormat>(isExportFormat, { error: FORMAT_ERROR }) });

/**
 * "Exporter" of the inbox (a native POST form, so the browser downloads the file). The form
 * carries the inbox's own search params: the export's scope is parsed by parseInboxQuery,
 * exactly like the list's. Small exports stream back at once; large ones go to the worker
 * and the agent lands on the export's status page.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const form = await request.formData();
  const parsed = parseForm(exportFormSchema, form);
  if (!parsed.success) {
    // A forged form only (the inbox offers the three formats): a plain answer is enough.
    return new Response(parsed.errors.format ?? FORMAT_ERROR, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const { format } = parsed.data;
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
    return redirectWithFlash(
      `/portail/communes/${collectivity.siret}/exports/${decision.exportId}`,
      {
        level: "success",
        message: decision.reused
          ? "Le même export a déjà été demandé : le voici."
          : "Export demandé : le fichier est préparé en arrière-plan.",
      },
      { status: 303 },
    );
  }
  return new Response(streamExport(format, decision.source), { headers: exportHeaders(format, decision.fileName) });
}

/** A GET here (a reload, a typed URL) has nothing to export: back to the inbox. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  return redirect(`/portail/communes/${collectivity.siret}/dossiers`);
}
