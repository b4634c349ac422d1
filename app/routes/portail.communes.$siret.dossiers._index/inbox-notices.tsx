import { Link } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import type { InboxLastChanges } from "./inbox-page.server";
import type { PollProblem } from "./poll-inbox.server";

/** "Relever maintenant" could not read the inbox: why, and where the HubEE credentials are entered. */
export function PollProblemAlert({ problem, siret }: { problem: PollProblem; siret: string }) {
  return (
    <Alert
      type={problem.level}
      small
      announce
      className="fr-mb-3w"
      description={
        <>
          {problem.message}{" "}
          {problem.settingsLink ? (
            <Link to={`/portail/communes/${siret}/parametres`}>Saisir les identifiants HubEE dans les paramètres</Link>
          ) : null}
          {problem.settingsLink === false
            ? "Demandez à un administrateur de la commune de les saisir dans les paramètres."
            : null}
        </>
      }
    />
  );
}

/** A campaign stopped on the commune's token: said on the list agents open first. */
export function StoppedCampaignAlert({ siret }: { siret: string }) {
  return (
    <Alert
      type="error"
      small
      role="alert"
      className="fr-mb-3w"
      description={
        <>
          La mise à jour des QF a été arrêtée : API Particulier refuse le jeton de la commune.{" "}
          <Link to={`/portail/communes/${siret}/campagnes`}>Voir l’alerte</Link>
        </>
      }
    />
  );
}

/** The families whose QF changed in the last update, the first ten linked to their file. */
export function QfChangesCallout({ changes, siret }: { changes: InboxLastChanges; siret: string }) {
  const report = `/portail/communes/${siret}/campagnes/${changes.campaignId}`;
  return (
    <div className="fr-callout fr-mb-3w" data-testid="qf-changes">
      <h2 className="fr-callout__title fr-h6">
        {changes.total === 1 ? "1 famille a changé de QF" : `${changes.total} familles ont changé de QF`} lors de la
        dernière mise à jour ({changes.period})
      </h2>
      <ul className="fr-callout__text fr-text--sm">
        {changes.rows.map((row) => (
          <li key={row.familyId}>
            <Link to={`/portail/communes/${siret}/dossiers/${row.familyId}`}>{row.name}</Link> : {row.oldValue} →{" "}
            {row.newValue}
          </li>
        ))}
      </ul>
      {changes.total > changes.rows.length ? (
        <Link to={`${report}?liste=updated`}>Voir les {changes.total} familles dans le rapport</Link>
      ) : (
        <Link to={report}>Voir le rapport</Link>
      )}
    </div>
  );
}
