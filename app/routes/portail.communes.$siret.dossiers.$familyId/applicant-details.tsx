import type { FamilyFileView } from "./family-file-view.server";

/** Who transmitted: the birth identity HubEE carried, and the commune's own file number. */
export function ApplicantDetails({ family }: { family: FamilyFileView["family"] }) {
  return (
    <>
      <h2>Demandeur</h2>
      <dl>
        <dt className="fr-text--bold">Nom de naissance</dt>
        <dd>{family.familyName ?? "—"}</dd>
        <dt className="fr-text--bold">Prénoms</dt>
        <dd>{family.givenNames ?? "—"}</dd>
        <dt className="fr-text--bold">Sexe</dt>
        <dd>{family.gender ?? "—"}</dd>
        <dt className="fr-text--bold">Date de naissance</dt>
        <dd>{family.birthdate ?? "—"}</dd>
        <dt className="fr-text--bold">Lieu de naissance</dt>
        <dd>{family.birthplace ?? "—"}</dd>
        <dt className="fr-text--bold">N° de dossier de la commune</dt>
        <dd>{family.externalId ?? "—"}</dd>
        <dt className="fr-text--bold">Dernière transmission</dt>
        <dd>{family.receivedOn}</dd>
      </dl>
    </>
  );
}
