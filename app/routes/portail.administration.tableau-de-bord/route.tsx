import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BarChart } from "~/components/charts/bar-chart";
import { Table } from "~/components/dsfr/table";
import { AgentBar } from "~/components/portal/agent-bar";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { mailOutboxCounts } from "~/mail/delivery.server";
import { requirePlatformAdmin } from "~/portal/access/access.server";
import { CAMPAIGN_STATUS_LABELS, formatPeriod } from "~/portal/campaigns/campaign-labels";
import { loadPlatformStatistics } from "~/portal/dashboards/platform-statistics.server";
import { ApiParticulierSection } from "./api-particulier-section";
import { DeliveryProblemsSection } from "./delivery-problems-section";
import { number, percent } from "./figures";
import { HubeeSection } from "./hubee-section";
import { MailSection } from "./mail-section";
import { platformDashboardView } from "./platform-dashboard.server";

export const meta: MetaFunction = () => [{ title: "Tableau de bord de la plateforme - Portail QF" }];

/** Under « Espace agents › Administration des communes », from the parent route. */
export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Tableau de bord" }) };

/**
 * The platform operator's view: the service's health across communes. Platform administrators
 * only; it shows counts, communes and error codes, never a family nor a transmission reference
 * (the family holds it: an indirect identifier).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  const db = await getDatabase();
  const stats = await loadPlatformStatistics(db);
  return {
    mail: await mailOutboxCounts(db),
    agent: { givenName: agent.givenName, usualName: agent.usualName, email: agent.email },
    ...platformDashboardView(stats),
  };
}

export default function PlatformDashboard() {
  const data = useLoaderData<typeof loader>();
  const { communes, transmissionsPerDay, transmissionTotals: totals, campaignsInProgress, daysShown } = data;
  return (
    <>
      <AgentBar agent={data.agent} />
      <div className="fr-container fr-my-4w">
        <RouteBreadcrumb />
        <h1>Tableau de bord de la plateforme</h1>
        <p>
          L’état du service pour toutes les communes, depuis le {data.since} ({daysShown} jours) sauf mention contraire.
          Cette page ne contient aucune donnée personnelle : des nombres, des communes et des codes d’erreur, jamais de
          référence de transmission.
        </p>

        <h2>Communes</h2>
        <Table
          caption="Communes de la plateforme"
          hideCaption
          rowHeaders
          size="sm"
          headers={["Communes", "Nombre"]}
          rows={[
            { key: "active", cells: ["Actives", number(communes.active)] },
            { key: "inactive", cells: ["Inactives", number(communes.inactive)] },
            { key: "editor", cells: ["Qui reçoivent dans le logiciel d’un éditeur", number(communes.withEditor)] },
            {
              key: "recent",
              cells: [
                `Qui ont reçu au moins une transmission en ${daysShown} jours`,
                number(communes.transmittingRecently),
              ],
            },
          ]}
        />

        <h2>Transmissions par jour</h2>
        <p>
          {number(totals.total)} transmissions en {daysShown} jours : {number(totals.delivered)} livrées à HubEE,{" "}
          {number(totals.pending)} en attente, {number(totals.failed)} en échec.
        </p>
        <BarChart
          id="transmissions"
          title={`Transmissions des familles par jour, sur ${daysShown} jours`}
          categoryLabel="Jour"
          valueLabel="Transmissions"
          labelEvery={5}
          data={transmissionsPerDay.map((day) => ({ label: day.label, axisLabel: day.axisLabel, value: day.total }))}
        />

        <DeliveryProblemsSection deliveryProblems={data.deliveryProblems} maxListed={data.maxListed} />
        <HubeeSection hubee={data.hubee} />
        <ApiParticulierSection apiParticulier={data.apiParticulier} />
        <MailSection mail={data.mail} />

        <h2>Campagnes en cours</h2>
        {campaignsInProgress.length > 0 ? (
          <Table
            caption="Campagnes de mise à jour des QF en cours"
            hideCaption
            rowHeaders
            size="sm"
            headers={["Commune", "Période", "Statut", "Avancement", "Début"]}
            rows={campaignsInProgress.map((campaign) => ({
              key: campaign.id,
              cells: [
                campaign.communeName,
                formatPeriod(campaign.annee, campaign.mois),
                CAMPAIGN_STATUS_LABELS[campaign.status],
                `${number(campaign.done)} / ${number(campaign.totalCount)} (${percent(campaign.done, campaign.totalCount)})`,
                campaign.startedAt ?? "—",
              ],
            }))}
          />
        ) : (
          <p>Aucune campagne en cours.</p>
        )}
      </div>
    </>
  );
}
