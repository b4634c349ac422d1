import type { OptionalMailKind } from "../../../db/schema/index.ts";
import { mailLinks, renderMail } from "../render.server";
import { ActionLink, MailLayout, Paragraph } from "./layout.server";

/**
 * The optional notifications. Counts and links into the portal only: never a family's name, QF
 * or birth date (a test scans every message the suite sends).
 */

function optionalLayout(kind: OptionalMailKind, reason: string) {
  const { appUrl, preferencesUrl } = mailLinks();
  return { appUrl, preferencesUrl, kind, reason };
}

const fr = (n: number) => n.toLocaleString("fr-FR");
const plural = (n: number, one: string, many: string) => `${fr(n)} ${n > 1 ? many : one}`;

export function renderCampaignEndedMail(
  agentId: string,
  input: {
    communeName: string;
    siret: string;
    campaignId: string;
    period: string;
    stopped: boolean;
    totals: { total: number; updated: number; unchanged: number; notFound: number; failed: number };
  },
) {
  const l = optionalLayout(
    "campaign_ended",
    `Vous recevez ce courriel car vous suivez les campagnes de ${input.communeName}.`,
  );
  const url = `${l.appUrl}/portail/communes/${input.siret}/campagnes/${input.campaignId}`;
  const verb = input.stopped ? "arrêtée" : "terminée";
  return renderMail(
    `Campagne de mise à jour des QF ${verb} – ${input.communeName}`,
    <MailLayout
      preview={`La campagne ${input.period} est ${verb}.`}
      appUrl={l.appUrl}
      reason={l.reason}
      preferencesUrl={l.preferencesUrl}
    >
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>{`La campagne de mise à jour des QF de ${input.period} de ${input.communeName} est ${verb}.`}</Paragraph>
      <Paragraph>
        {`Sur ${plural(input.totals.total, "famille", "familles")} : ${plural(input.totals.updated, "QF mis à jour", "QF mis à jour")}, ${fr(input.totals.unchanged)} inchangé(s), ${fr(input.totals.notFound)} introuvable(s), ${fr(input.totals.failed)} en échec.`}
      </Paragraph>
      <ActionLink href={url}>Voir le rapport de la campagne</ActionLink>
    </MailLayout>,
    { agentId, kind: l.kind },
  );
}

export function renderIntegrationRefusedMail(
  agentId: string,
  input: { communeName: string; siret: string; system: "api_particulier" | "hubee" },
) {
  const l = optionalLayout(
    "integration_incident",
    `Vous recevez ce courriel car vous administrez ${input.communeName}.`,
  );
  const url = `${l.appUrl}/portail/communes/${input.siret}/parametres`;
  const what =
    input.system === "api_particulier"
      ? {
          subject: `Jeton API Particulier refusé – ${input.communeName}`,
          happened: `API Particulier refuse le jeton de ${input.communeName} : les QF ne peuvent plus être récupérés ni mis à jour pour la commune.`,
          todo: "Vérifiez le jeton dans les paramètres de la commune (il a peut-être expiré ou été révoqué) et enregistrez-en un nouveau si besoin.",
        }
      : {
          subject: `Identifiants HubEE refusés – ${input.communeName}`,
          happened: `HubEE refuse les identifiants de ${input.communeName} : les nouveaux dossiers ne peuvent plus être relevés.`,
          todo: "Vérifiez les identifiants HubEE dans les paramètres de la commune et enregistrez-les à nouveau si besoin.",
        };
  return renderMail(
    what.subject,
    <MailLayout preview={what.happened} appUrl={l.appUrl} reason={l.reason} preferencesUrl={l.preferencesUrl}>
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>{what.happened}</Paragraph>
      <Paragraph>{what.todo} Vous ne recevrez pas d’autre courriel pour cet incident.</Paragraph>
      <ActionLink href={url}>Ouvrir les paramètres</ActionLink>
    </MailLayout>,
    { agentId, kind: l.kind },
  );
}

export function renderWebhookDisabledMail(
  agentId: string,
  input: { communeName: string; siret: string; endpointId: string; endpointUrl: string; reason: string },
) {
  const l = optionalLayout("webhook_disabled", `Vous recevez ce courriel car vous administrez ${input.communeName}.`);
  return renderMail(
    `Webhook désactivé – ${input.communeName}`,
    <MailLayout
      preview="Un point de terminaison webhook est désactivé."
      appUrl={l.appUrl}
      reason={l.reason}
      preferencesUrl={l.preferencesUrl}
    >
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>{`Le point de terminaison ${input.endpointUrl} de ${input.communeName} est désactivé : ${input.reason}`}</Paragraph>
      <Paragraph>
        Les événements ne lui sont plus envoyés. Une fois le logiciel qui les reçoit réparé, testez-le puis réactivez-le
        depuis sa page.
      </Paragraph>
      <ActionLink href={`${l.appUrl}/portail/communes/${input.siret}/webhooks/${input.endpointId}`}>
        Réactiver le webhook
      </ActionLink>
    </MailLayout>,
    { agentId, kind: l.kind },
  );
}

export function renderExportFinishedMail(
  agentId: string,
  input: { communeName: string; siret: string; exportId: string; ready: boolean },
) {
  const l = optionalLayout(
    "export_finished",
    "Vous recevez ce courriel car vous avez demandé un export sur Portail QF.",
  );
  const url = `${l.appUrl}/portail/communes/${input.siret}/exports/${input.exportId}`;
  return renderMail(
    input.ready ? `Votre export est prêt – ${input.communeName}` : `Votre export a échoué – ${input.communeName}`,
    <MailLayout
      preview={input.ready ? "Votre export est prêt." : "Votre export a échoué."}
      appUrl={l.appUrl}
      reason={l.reason}
      preferencesUrl={l.preferencesUrl}
    >
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>
        {input.ready
          ? "L’export que vous avez demandé est prêt. Téléchargez-le depuis le portail : il n’est pas joint à ce courriel, et il est effacé après 24 heures."
          : "L’export que vous avez demandé n’a pas pu être produit. Vous pouvez le demander à nouveau depuis le portail."}
      </Paragraph>
      <ActionLink href={url}>{input.ready ? "Télécharger l’export" : "Voir l’export"}</ActionLink>
    </MailLayout>,
    { agentId, kind: l.kind },
  );
}

export function renderDailyDigestMail(
  agentId: string,
  input: { communeName: string; siret: string; tabs: { label: string; count: number }[] },
) {
  const l = optionalLayout("daily_digest", `Vous recevez ce résumé car vous êtes membre de ${input.communeName}.`);
  const total = input.tabs.reduce((sum, tab) => sum + tab.count, 0);
  return renderMail(
    `${plural(total, "nouveau dossier", "nouveaux dossiers")} – ${input.communeName}`,
    <MailLayout
      preview={`${plural(total, "nouveau dossier", "nouveaux dossiers")} depuis hier.`}
      appUrl={l.appUrl}
      reason={l.reason}
      preferencesUrl={l.preferencesUrl}
    >
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>{`${input.communeName} a reçu ${plural(total, "nouveau dossier", "nouveaux dossiers")} depuis le dernier résumé :`}</Paragraph>
      {input.tabs
        .filter((tab) => tab.count > 0)
        .map((tab) => (
          <Paragraph key={tab.label}>{`– ${tab.label} : ${fr(tab.count)}`}</Paragraph>
        ))}
      <ActionLink href={`${l.appUrl}/portail/communes/${input.siret}/dossiers`}>Voir les dossiers à traiter</ActionLink>
    </MailLayout>,
    { agentId, kind: l.kind },
  );
}
