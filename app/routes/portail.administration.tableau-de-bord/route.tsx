import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BarChart } from "~/components/charts/bar-chart";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Table } from "~/components/dsfr/table";
import { AgentBar } from "~/components/portal/agent-bar";
import { getDatabase } from "~/db.server";
import { requirePlatformAdmin } from "~/portal/access/access.server";
import { CAMPAIGN_STATUS_LABELS, formatPeriod } from "~/portal/campaigns/campaign-labels";
import { deliveryErrorLabel } from "~/portal/dashboards/delivery-errors";
import { DAYS_SHOWN, loadPlatformStatistics, MAX_LISTED } from "~/portal/dashboards/platform-statistics.server";
import { formatDate, formatDateTime } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Tableau de bord de la plateforme - Portail QF" }];

/**
 * The platform operator's view: the service's health across communes. Platform administrators
 * only; it shows counts, communes and error codes, never a family nor a transmission reference
 * (the family holds it: an indirect identifier).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  const stats = await loadPlatformStatistics(await getDatabase());
  const when = (value: Date | null) => (value ? formatDateTime(value) : null);
  return {
    agent: { givenName: agent.givenName, usualName: agent.usualName, email: agent.email },
    since: formatDate(stats.since),
    // Constants of a .server module do not reach the browser bundle: the page gets them as data.
    daysShown: DAYS_SHOWN,
    maxListed: MAX_LISTED,
    communes: stats.communes,
    transmissionsPerDay: stats.transmissionsPerDay,
    deliveryProblems: {
      ...stats.deliveryProblems,
      byCommune: stats.deliveryProblems.byCommune.map((group) => ({
        ...group,
        nextAttemptAt: when(group.nextAttemptAt),
        lastAt: when(group.lastAt),
      })),
    },
    hubee: {
      ...stats.hubee,
      inboxes: {
        ...stats.hubee.inboxes,
        failingCommunes: stats.hubee.inboxes.failingCommunes.map((c) => ({ name: c.name, since: when(c.since) })),
      },
    },
    apiParticulier: {
      ...stats.apiParticulier,
      pacer: { ...stats.apiParticulier.pacer, lastRateLimitedAt: when(stats.apiParticulier.pacer.lastRateLimitedAt) },
    },
    campaignsInProgress: stats.campaignsInProgress.map((c) => ({ ...c, startedAt: when(c.startedAt) })),
  };
}

const number = (value: number) => value.toLocaleString("fr-FR");
const SOURCE_LABELS = { campaigns: "Campagnes de mise à jour", lookups: "Recherches manuelles des agents" };
/** "12,5 %" of a part, "—" when there is nothing to divide. */
const percent = (part: number, whole: number) =>
  whole > 0 ? `${((100 * part) / whole).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} %` : "—";

export default function PlatformDashboard() {
  const data = useLoaderData<typeof loader>();
  const { communes, transmissionsPerDay, deliveryProblems, hubee, apiParticulier, campaignsInProgress } = data;
  const { daysShown, maxListed } = data;
  const totals = transmissionsPerDay.reduce(
    (sum, day) => ({
      total: sum.total + day.total,
      delivered: sum.delivered + day.delivered,
      pending: sum.pending + day.pending,
      failed: sum.failed + day.failed,
    }),
    { total: 0, delivered: 0, pending: 0, failed: 0 },
  );
  return (
    <>
      <AgentBar agent={data.agent} />
      <div className="fr-container fr-my-4w">
        <Breadcrumb
          segments={[
            { label: "Espace agents", to: "/portail" },
            { label: "Administration des communes", to: "/portail/administration" },
          ]}
          currentPageLabel="Tableau de bord"
        />
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

        <h2>Échecs de livraison</h2>
        <p>
          {number(deliveryProblems.failed)} transmissions abandonnées, {number(deliveryProblems.retrying)} en cours de
          nouvel essai (toutes dates confondues).
        </p>
        {deliveryProblems.byErrorCode.length > 0 ? (
          <>
            <BarChart
              id="echecs"
              title="Transmissions en échec ou en nouvel essai, par code d’erreur"
              categoryLabel="Code d’erreur"
              valueLabel="Transmissions"
              data={deliveryProblems.byErrorCode.map((row) => ({
                label: `${row.code} (${deliveryErrorLabel(row.code)})`,
                axisLabel: row.code.length > 18 ? `${row.code.slice(0, 17)}…` : row.code,
                value: row.failed + row.retrying,
              }))}
            />
            <Table
              caption="Échecs de livraison par code d’erreur"
              rowHeaders
              size="sm"
              headers={["Code", "Signification", "Abandonnées", "En nouvel essai"]}
              rows={deliveryProblems.byErrorCode.map((row) => ({
                key: row.code,
                cells: [
                  <code key="c">{row.code}</code>,
                  deliveryErrorLabel(row.code),
                  number(row.failed),
                  number(row.retrying),
                ],
              }))}
            />
            <Table
              caption={`Transmissions en échec ou en nouvel essai par commune et code d’erreur (${maxListed} lignes au plus, les plus récentes d’abord)`}
              rowHeaders
              size="sm"
              headers={[
                "Commune",
                "Code d’erreur",
                "Abandonnées",
                "En nouvel essai",
                "Tentatives (au plus)",
                "Prochain essai",
                "Dernière le",
              ]}
              rows={deliveryProblems.byCommune.map((group) => ({
                key: `${group.communeSiret}-${group.errorCode}`,
                cells: [
                  `${group.communeName} (${group.communeSiret})`,
                  <code key="e">{group.errorCode}</code>,
                  number(group.failed),
                  number(group.retrying),
                  number(group.maxAttempts),
                  group.nextAttemptAt ?? "—",
                  group.lastAt ?? "—",
                ],
              }))}
            />
          </>
        ) : (
          <p>Aucune transmission en échec.</p>
        )}

        <h2>HubEE</h2>
        <Table
          caption="Taux d’erreur HubEE"
          rowHeaders
          size="sm"
          headers={["Mesure", "Nombre", "Taux"]}
          rows={[
            {
              key: "attempts",
              cells: [
                `Envoi : tentatives de livraison (${number(hubee.sending.shipments)} transmissions)`,
                number(hubee.sending.attempts),
                "",
              ],
            },
            {
              key: "failed-attempts",
              cells: [
                "Envoi : tentatives en erreur",
                number(hubee.sending.failedAttempts),
                percent(hubee.sending.failedAttempts, hubee.sending.attempts),
              ],
            },
            {
              key: "failed-shipments",
              cells: [
                "Envoi : transmissions abandonnées",
                number(hubee.sending.failedShipments),
                percent(hubee.sending.failedShipments, hubee.sending.shipments),
              ],
            },
            {
              key: "inboxes",
              cells: [
                "Réception : communes dont le dernier relevé a échoué",
                number(hubee.inboxes.failing),
                percent(hubee.inboxes.failing, hubee.inboxes.polled),
              ],
            },
            {
              key: "integration",
              cells: [
                `Réception : dossiers non intégrables (SI_INTG_ERROR) sur ${number(hubee.receivedCases)} reçus`,
                number(hubee.integrationErrors),
                percent(hubee.integrationErrors, hubee.receivedCases),
              ],
            },
          ]}
        />
        {hubee.inboxes.failingCommunes.length > 0 ? (
          <Table
            caption="Communes dont le dernier relevé HubEE a échoué"
            rowHeaders
            size="sm"
            headers={["Commune", "Dernier relevé"]}
            rows={hubee.inboxes.failingCommunes.map((commune) => ({
              key: commune.name,
              cells: [commune.name, commune.since ?? "—"],
            }))}
          />
        ) : null}

        <h2>API Particulier</h2>
        <p>
          Deux sources d’appels sont enregistrées : les campagnes de mise à jour des QF (chaque dossier garde ses
          compteurs d’appels) et les recherches manuelles des agents (chaque recherche est inscrite au journal d’audit
          avec son issue, sans l’identité recherchée).{" "}
          <strong>Les récupérations du QF par les familles elles-mêmes (FranceConnect) ne sont pas enregistrées</strong>{" "}
          : elles n’apparaissent pas dans ces chiffres, qui ne disent donc rien de leur taux d’erreur.
        </p>
        <Table
          caption="Taux d’erreur API Particulier par source"
          rowHeaders
          size="sm"
          headers={[
            "Source",
            "Appels",
            "Erreurs techniques",
            "Taux d’erreur",
            "dont 429",
            "dont erreurs passagères",
            "dont jeton refusé",
            "QF introuvable (404)",
            "Identité refusée (422)",
          ]}
          rows={[
            ...apiParticulier.bySource.map((row) => ({
              key: row.source,
              cells: [
                SOURCE_LABELS[row.source],
                number(row.calls),
                number(row.errors),
                percent(row.errors, row.calls),
                number(row.rateLimited),
                number(row.transient),
                number(row.unauthorized),
                number(row.notFound),
                number(row.rejected),
              ],
            })),
            {
              key: "citizens",
              cells: ["Récupérations par les familles (FranceConnect)", ...Array(8).fill("non enregistré")],
            },
          ]}
        />
        <p className="fr-text--sm">
          Erreurs techniques : réponses 429 (limite de débit), erreurs passagères (502, 503, 504, délai dépassé), jeton
          de la commune refusé (401, 403) et réponses illisibles. Un QF introuvable ou une identité refusée est une
          réponse sur la personne, pas une erreur du service : ils sont comptés à part.
        </p>
        <h3>Régulateur de débit des jetons des communes</h3>
        <p className="fr-text--sm">
          API Particulier bloque un jeton pendant 12 heures s’il est appelé pendant la pause qu’impose une réponse 429 :
          le régulateur partagé par tous les serveurs doit donc n’en provoquer aucune. Chaque 429 ci-dessous est un
          défaut à examiner (le journal du serveur garde, au niveau « warn », les derniers envois du jeton).
        </p>
        <Table
          caption="Réponses 429 reçues avec les jetons des communes, tous appelants confondus"
          rowHeaders
          size="sm"
          headers={["Mesure", "Valeur"]}
          rows={[
            {
              key: "pacer-429",
              cells: [
                "Réponses 429 depuis la mise en service (campagnes, recherches, tests de connexion)",
                number(apiParticulier.pacer.rateLimited),
              ],
            },
            {
              key: "pacer-tokens",
              cells: ["Jetons ayant reçu au moins une réponse 429", number(apiParticulier.pacer.tokensRateLimited)],
            },
            {
              key: "pacer-last",
              cells: ["Dernière réponse 429", apiParticulier.pacer.lastRateLimitedAt ?? "aucune"],
            },
            { key: "pacer-paused", cells: ["Jetons en pause en ce moment", number(apiParticulier.pacer.pausedTokens)] },
          ]}
        />
        <h3>Détail des campagnes</h3>
        <Table
          caption="Appels d’API Particulier des campagnes de mise à jour"
          rowHeaders
          size="sm"
          headers={["Mesure", "Nombre", "Taux"]}
          rows={[
            { key: "calls", cells: ["Appels", number(apiParticulier.calls), ""] },
            {
              key: "429",
              cells: [
                "Réponses 429 (limite de débit)",
                number(apiParticulier.rateLimited),
                percent(apiParticulier.rateLimited, apiParticulier.calls),
              ],
            },
            {
              key: "transient",
              cells: [
                "Erreurs passagères (502, 503, 504, délai dépassé)",
                number(apiParticulier.transientFailures),
                percent(apiParticulier.transientFailures, apiParticulier.calls),
              ],
            },
            {
              key: "failed",
              cells: [
                `Dossiers en échec sur ${number(apiParticulier.finishedItems)} terminés`,
                number(apiParticulier.failedItems),
                percent(apiParticulier.failedItems, apiParticulier.finishedItems),
              ],
            },
            { key: "alerts", cells: ["Jetons de commune refusés (alertes)", number(apiParticulier.tokenAlerts), ""] },
          ]}
        />
        {apiParticulier.byErrorCode.length > 0 ? (
          <Table
            caption="Dossiers de campagne par dernier code d’erreur d’API Particulier"
            rowHeaders
            size="sm"
            headers={["Code", "Dossiers"]}
            rows={apiParticulier.byErrorCode.map((row) => ({
              key: row.code,
              cells: [<code key="c">{row.code}</code>, number(row.items)],
            }))}
          />
        ) : null}

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
