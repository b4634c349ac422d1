import { useEffect, useState } from "react";
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { ButtonLink } from "~/components/dsfr/button";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { FlashAlert } from "~/components/flash-alert";
import { getDatabase } from "~/db.server";
import { readFlash } from "~/http/flash.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { EXPORT_FORMAT_INFO, EXPORT_STATUS_LABELS } from "~/portal/exports/export-formats";
import { findExport } from "~/portal/exports/exports.server";
import { formatDateTime } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Export de dossiers - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = {
  breadcrumb: ({ params }) => [
    { label: "Exports", to: `/portail/communes/${params.siret}/exports` },
    { label: "Export" },
  ],
};

/** Status page of a background export: waiting, running (progress), ready (download) or failed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  const found = await findExport(await getDatabase(), collectivity.id, params.exportId ?? "");
  if (!found || found.expiresAt <= new Date()) throw notFound();
  const { flash, headers } = await readFlash(request);
  return data(
    {
      flash,
      commune: { name: collectivity.name, siret: collectivity.siret },
      export: {
        id: found.id,
        status: found.status,
        format: found.format,
        fileName: found.fileName,
        totalRows: found.totalRows,
        processedRows: found.processedRows,
        byteSize: found.byteSize,
        error: found.error,
        createdAt: formatDateTime(found.createdAt),
        expiresAt: formatDateTime(found.expiresAt),
      },
    },
    { headers },
  );
}

const POLL_MS = 3000;

const fileSize = (bytes: number) =>
  bytes < 1_048_576
    ? `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("fr-FR")} Ko`
    : `${(bytes / 1_048_576).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;

export default function ExportStatus() {
  const { flash: justRequested, commune, export: job } = useLoaderData<typeof loader>();
  // The poll below reloads the data, which no longer carries the message: keep it for this visit.
  const [flash] = useState(justRequested);
  const revalidator = useRevalidator();
  const waiting = job.status === "pending" || job.status === "running";
  // With JavaScript the page follows the export by itself; without, the "Actualiser" link does.
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, revalidator]);
  const base = `/portail/communes/${commune.siret}`;
  const percent = job.totalRows > 0 ? Math.min(100, Math.round((job.processedRows / job.totalRows) * 100)) : 0;

  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>
        Export de {job.totalRows.toLocaleString("fr-FR")} dossier{job.totalRows > 1 ? "s" : ""}
      </h1>
      <p>
        Format {EXPORT_FORMAT_INFO[job.format].label}, demandé le {job.createdAt}. Statut :{" "}
        <strong>{EXPORT_STATUS_LABELS[job.status]}</strong>.
      </p>
      <FlashAlert flash={flash} />
      <div role="status" aria-live="polite" className="fr-mb-4w">
        {job.status === "pending" ? <p>L’export attend son tour : il commencera dans quelques secondes.</p> : null}
        {job.status === "running" ? (
          <>
            <label htmlFor="export-progress">
              {job.processedRows.toLocaleString("fr-FR")} dossiers écrits sur {job.totalRows.toLocaleString("fr-FR")} (
              {percent} %)
            </label>
            <br />
            <progress id="export-progress" max={Math.max(job.totalRows, 1)} value={job.processedRows}>
              {percent} %
            </progress>
          </>
        ) : null}
        {job.status === "ready" ? (
          <Alert
            type="success"
            small
            description={`Le fichier est prêt. Il reste disponible jusqu’au ${job.expiresAt}, puis il est supprimé.`}
          />
        ) : null}
        {job.status === "failed" ? (
          <Alert type="error" small description={job.error ?? "La génération du fichier a échoué."} />
        ) : null}
      </div>
      {job.status === "ready" ? (
        <ButtonLink to={`${base}/exports/${job.id}/fichier`} reloadDocument icon="fr-icon-download-line">
          Télécharger {job.fileName}
          {job.byteSize ? ` (${fileSize(job.byteSize)})` : ""}
        </ButtonLink>
      ) : null}
      {waiting ? (
        <Link to="." className="fr-link fr-icon-refresh-line fr-link--icon-left">
          Actualiser
        </Link>
      ) : null}
      <p className="fr-mt-4w">
        <Link to={`${base}/dossiers`} className="fr-link">
          Retour aux dossiers
        </Link>
      </p>
    </div>
  );
}
