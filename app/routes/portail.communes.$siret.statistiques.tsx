import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BarChart } from "~/components/charts/bar-chart";
import { Alert } from "~/components/dsfr/alert";
import { Table } from "~/components/dsfr/table";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { CAMPAIGN_STATUS_LABELS, formatPeriod, ITEM_STATUS_LABELS } from "~/portal/campaigns/campaign-labels";
import { loadCommuneStatistics } from "~/portal/dashboards/commune-statistics.server";
import { STATUS_LABELS } from "~/portal/dossiers/dossier-list-query";
import { formatDateTime } from "~/domain/paris-time";
import { formatBracketRange } from "~/portal/settings/tariff-brackets";
import { ofPlace } from "~/domain/french-elision";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Statistiques - ${data.commune.name} - Portail QF` : "Statistiques - Portail QF" },
];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Statistiques" }) };

/** Every agent of the commune may look: counts only, no family is named. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const stats = await loadCommuneStatistics(await getDatabase(), collectivity.id);
  const campaign = stats.lastCampaign;
  return {
    commune: { name: collectivity.name, siret: collectivity.siret, editor: collectivity.editor },
    isAdmin: membership.role === "admin",
    brackets: stats.brackets,
    monthly: stats.monthly,
    statuses: stats.statuses,
    lastCampaign: campaign
      ? {
          ...campaign,
          startedAt: campaign.startedAt ? formatDateTime(campaign.startedAt) : null,
          finishedAt: campaign.finishedAt ? formatDateTime(campaign.finishedAt) : null,
        }
      : null,
  };
}

const shortLabel = (label: string) => (label.length > 12 ? `${label.slice(0, 11)}…` : label);
const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString("fr-FR")} ${count > 1 ? many : one}`;

export default function CommuneStatistics() {
  const { commune, isAdmin, brackets, monthly, statuses, lastCampaign } = useLoaderData<typeof loader>();
  // Open items only matter while the campaign runs; the label order is the report's.
  const campaignBars = lastCampaign
    ? (Object.keys(ITEM_STATUS_LABELS) as Array<keyof typeof ITEM_STATUS_LABELS>)
        .filter((status) => (status !== "pending" && status !== "in_progress") || lastCampaign.counts[status] > 0)
        .map((status) => ({ label: ITEM_STATUS_LABELS[status], value: lastCampaign.counts[status] }))
    : [];
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Statistiques</h1>
      <p>
        Les chiffres des dossiers {ofPlace(commune.name)}, calculés à l’ouverture de la page. Chaque graphique est suivi
        de ses données en tableau.
      </p>
      {commune.editor ? (
        <Alert
          type="info"
          small
          className="fr-mb-3w"
          description={`La commune reçoit ses dossiers dans son logiciel (${commune.editor}) : ils ne sont pas comptés ici.`}
        />
      ) : null}

      <h2>Familles par tranche de quotient familial</h2>
      {brackets.defaultRanges ? (
        <Alert
          type="info"
          small
          className="fr-mb-2w"
          description={
            <>
              La commune n’a pas défini ses tranches de QF : les familles sont regroupées par tranches de 250 €.
              {isAdmin ? (
                <>
                  {" "}
                  <Link to={`/portail/communes/${commune.siret}/tranches`}>Définir les tranches de la commune</Link>
                </>
              ) : null}
            </>
          }
        />
      ) : null}
      <BarChart
        id="tranches"
        title="Familles par tranche de quotient familial"
        categoryLabel="Tranche"
        valueLabel="Familles"
        axisTitle={brackets.defaultRanges ? "Quotient familial en euros (début de la tranche)" : undefined}
        data={brackets.rows.map((row) => ({
          label: brackets.defaultRanges ? row.label : `${row.label} (${formatBracketRange(row)})`,
          axisLabel: shortLabel(brackets.defaultRanges ? String(row.min.toLocaleString("fr-FR")) : row.label),
          value: row.families,
        }))}
      />
      {brackets.withoutQf > 0 ? (
        <p>
          {plural(
            brackets.withoutQf,
            "dossier sans quotient familial connu n’est pas compté",
            "dossiers sans quotient familial connu ne sont pas comptés",
          )}
          .
        </p>
      ) : null}

      {/* Transmissions, not files: a family that transmits again adds one here but keeps its one file in the
          inbox, so calling these "dossiers" made the two pages disagree. */}
      <h2>Transmissions reçues par mois</h2>
      <BarChart
        id="mois"
        title="Transmissions reçues par mois, sur les 12 derniers mois"
        categoryLabel="Mois"
        valueLabel="Transmissions reçues"
        data={monthly.map((month) => ({ label: month.label, axisLabel: month.axisLabel, value: month.count }))}
        note="Chaque transmission compte, y compris une nouvelle transmission d’une famille déjà connue."
      />
      <p className="fr-text--sm">
        Une famille qui transmet à nouveau son quotient familial compte une transmission de plus, mais garde un seul
        dossier : le total des transmissions peut donc dépasser le nombre de dossiers.
      </p>

      <h2>Dossiers par statut</h2>
      <BarChart
        id="statuts"
        title="Dossiers par statut"
        categoryLabel="Statut"
        valueLabel="Dossiers"
        data={statuses.map((row) => ({ label: STATUS_LABELS[row.status], value: row.count }))}
      />

      <h2>Dernière campagne de mise à jour des QF</h2>
      {lastCampaign ? (
        <>
          <Table
            caption="Dernière campagne"
            hideCaption
            rowHeaders
            size="sm"
            headers={["Campagne", "Statut", "Début", "Fin", "Dossiers"]}
            rows={[
              {
                key: "campagne",
                cells: [
                  `QF de ${formatPeriod(lastCampaign.annee, lastCampaign.mois)}`,
                  CAMPAIGN_STATUS_LABELS[lastCampaign.status],
                  lastCampaign.startedAt ?? "—",
                  lastCampaign.finishedAt ?? "—",
                  lastCampaign.totalCount.toLocaleString("fr-FR"),
                ],
              },
            ]}
          />
          <BarChart
            id="campagne"
            title={`Résultats de la campagne des QF de ${formatPeriod(lastCampaign.annee, lastCampaign.mois)}`}
            categoryLabel="Résultat"
            valueLabel="Dossiers"
            data={campaignBars}
          />
          <p>
            <Link to={`/portail/communes/${commune.siret}/campagnes/${lastCampaign.id}`}>
              Voir le rapport de la campagne
            </Link>
          </p>
        </>
      ) : (
        <p>La commune n’a pas encore lancé de campagne de mise à jour des quotients familiaux.</p>
      )}
    </div>
  );
}
