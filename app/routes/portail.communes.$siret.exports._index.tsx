import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Table } from "~/components/dsfr/table";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { EXPORT_FORMAT_INFO, EXPORT_STATUS_LABELS } from "~/portal/exports/export-formats";
import { listExports } from "~/portal/exports/exports.server";
import { formatDateTime } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Exports - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Exports" }) };

/** The commune's large exports of the last 24 hours (small ones are downloaded at once and not kept). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  const rows = await listExports(await getDatabase(), collectivity.id);
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    exports: rows.map((row) => ({
      id: row.id,
      createdAt: formatDateTime(row.createdAt),
      format: row.format,
      status: row.status,
      totalRows: row.totalRows,
    })),
  };
}

export default function Exports() {
  const { commune, exports } = useLoaderData<typeof loader>();
  const base = `/portail/communes/${commune.siret}`;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Exports de dossiers</h1>
      <p>
        Les exports de plus de quelques milliers de dossiers sont préparés en arrière-plan. Leurs fichiers sont gardés
        24 heures. Pour un nouvel export, utilisez le bouton « Exporter » de la{" "}
        <Link to={`${base}/dossiers`}>liste des dossiers</Link>.
      </p>
      {exports.length === 0 ? (
        <p>Aucun export en cours ou disponible.</p>
      ) : (
        <Table
          caption="Exports des dernières 24 heures"
          headers={["Demandé le", "Format", "Dossiers", "Statut", "Fichier"]}
          rows={exports.map((row) => ({
            key: row.id,
            cells: [
              row.createdAt,
              EXPORT_FORMAT_INFO[row.format].extension.toUpperCase(),
              row.totalRows.toLocaleString("fr-FR"),
              EXPORT_STATUS_LABELS[row.status],
              <Link key="lien" to={`${base}/exports/${row.id}`}>
                Voir l’export du {row.createdAt}
              </Link>,
            ],
          }))}
        />
      )}
    </div>
  );
}
