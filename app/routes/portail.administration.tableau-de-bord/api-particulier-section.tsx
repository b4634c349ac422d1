import { Table } from "~/components/dsfr/table";
import { number, percent } from "./figures";
import type { PlatformDashboardView } from "./platform-dashboard.server";

const SOURCE_LABELS = { campaigns: "Campagnes de mise à jour", lookups: "Recherches manuelles des agents" };

/**
 * API Particulier's error rates by source, the token pacer's defects and the campaigns' detail.
 * Citizens' own retrievals are not recorded anywhere: the page says so rather than show a zero.
 */
export function ApiParticulierSection({ apiParticulier }: { apiParticulier: PlatformDashboardView["apiParticulier"] }) {
  const { pacer } = apiParticulier;
  return (
    <>
      <h2>API Particulier</h2>
      <p>
        Deux sources d’appels sont enregistrées : les campagnes de mise à jour des QF (chaque dossier garde ses
        compteurs d’appels) et les recherches manuelles des agents (chaque recherche est inscrite au journal d’audit
        avec son issue, sans l’identité recherchée).{" "}
        <strong>Les récupérations du QF par les familles elles-mêmes (FranceConnect) ne sont pas enregistrées</strong> :
        elles n’apparaissent pas dans ces chiffres, qui ne disent donc rien de leur taux d’erreur.
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
            cells: ["Récupérations par les familles (FranceConnect)", ...Array<string>(8).fill("non enregistré")],
          },
        ]}
      />
      <p className="fr-text--sm">
        Erreurs techniques : réponses 429 (limite de débit), erreurs passagères (502, 503, 504, délai dépassé), jeton de
        la commune refusé (401, 403) et réponses illisibles. Un QF introuvable ou une identité refusée est une réponse
        sur la personne, pas une erreur du service : ils sont comptés à part.
      </p>
      <h3>Régulateur de débit des jetons des communes</h3>
      <p className="fr-text--sm">
        API Particulier bloque un jeton pendant 12 heures s’il est appelé pendant la pause qu’impose une réponse 429 :
        le régulateur partagé par tous les serveurs doit donc n’en provoquer aucune. Chaque 429 ci-dessous est un défaut
        à examiner (le journal du serveur garde, au niveau « warn », les derniers envois du jeton).
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
              number(pacer.rateLimited),
            ],
          },
          {
            key: "pacer-tokens",
            cells: ["Jetons ayant reçu au moins une réponse 429", number(pacer.tokensRateLimited)],
          },
          { key: "pacer-last", cells: ["Dernière réponse 429", pacer.lastRateLimitedAt ?? "aucune"] },
          { key: "pacer-paused", cells: ["Jetons en pause en ce moment", number(pacer.pausedTokens)] },
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
    </>
  );
}
