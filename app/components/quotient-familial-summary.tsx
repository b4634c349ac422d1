import type { PivotIdentity } from "~/domain/pivot-identity";
import type { QuotientFamilialData, QuotientFamilialPerson } from "~/domain/quotient-familial";
import { formatDateFr, formatMonthYear, formatQuotient, genderLabel, providerLabel } from "~/domain/format";

/**
 * What API Particulier returned, as the citizen reviews it. Production omits
 * keys whose scope is missing: every block shows only when present.
 */
export function QuotientFamilialSummary({
  data,
  pivotIdentity,
  birthplaceLabel,
}: {
  data: QuotientFamilialData;
  pivotIdentity: PivotIdentity;
  birthplaceLabel: string;
}) {
  const qf = data.quotient_familial;
  return (
    <>
      <section className="fr-mb-4w" aria-labelledby="titre-qf">
        <h2 id="titre-qf" className="fr-h4">
          Votre quotient familial
        </h2>
        {qf ? (
          <div className="fr-callout">
            <p className="fr-callout__title" data-testid="qf-value">
              {formatQuotient(qf.valeur)}
            </p>
            <p className="fr-callout__text">
              Quotient familial de {formatMonthYear(qf.mois, qf.annee)}, calculé par la {providerLabel(qf.fournisseur)}.
            </p>
          </div>
        ) : (
          <p>La CAF ou la MSA n’a pas transmis de valeur de quotient familial.</p>
        )}
      </section>

      {data.allocataires ? <PeopleList id="allocataires" title="Allocataires" people={data.allocataires} /> : null}
      {data.enfants ? (
        data.enfants.length > 0 ? (
          <PeopleList id="enfants" title="Enfants" people={data.enfants} />
        ) : (
          <section className="fr-mb-4w" aria-labelledby="titre-enfants">
            <h2 id="titre-enfants" className="fr-h4">
              Enfants
            </h2>
            <p>Aucun enfant n’est déclaré à la CAF ou à la MSA.</p>
          </section>
        )
      ) : null}

      {data.adresse ? (
        <section className="fr-mb-4w" aria-labelledby="titre-adresse">
          <h2 id="titre-adresse" className="fr-h4">
            Adresse
          </h2>
          <address>
            {[
              data.adresse.destinataire,
              data.adresse.complement_information,
              data.adresse.complement_information_geographique,
              data.adresse.numero_libelle_voie,
              data.adresse.lieu_dit,
              data.adresse.code_postal_ville,
              data.adresse.pays,
            ]
              .filter((line): line is string => Boolean(line))
              .map((line, index) => (
                <span key={index}>
                  {line}
                  <br />
                </span>
              ))}
          </address>
        </section>
      ) : null}

      <section className="fr-mb-4w" aria-labelledby="titre-identite">
        <h2 id="titre-identite" className="fr-h4">
          Votre identité (transmise par FranceConnect)
        </h2>
        <dl className="qf-definition-list">
          <dt>Nom de naissance</dt>
          <dd>{pivotIdentity.familyName}</dd>
          <dt>Prénoms</dt>
          <dd>{pivotIdentity.givenNames.join(" ")}</dd>
          <dt>Sexe</dt>
          <dd>{genderLabel(pivotIdentity.gender)}</dd>
          <dt>Date de naissance</dt>
          <dd>{formatDateFr(pivotIdentity.birthdate)}</dd>
          <dt>Lieu de naissance</dt>
          <dd>{birthplaceLabel}</dd>
        </dl>
      </section>
    </>
  );
}

function PeopleList({ id, title, people }: { id: string; title: string; people: QuotientFamilialPerson[] }) {
  return (
    <section className="fr-mb-4w" aria-labelledby={`titre-${id}`}>
      <h2 id={`titre-${id}`} className="fr-h4">
        {title}
      </h2>
      <ul data-testid={id}>
        {people.map((person, index) => (
          <li key={index}>
            {person.prenoms}{" "}
            {person.nom_usage ? `${person.nom_usage} (née ou né ${person.nom_naissance})` : person.nom_naissance}, né
            {person.sexe === "F" ? "e" : ""} le {formatDateFr(person.date_naissance)}
          </li>
        ))}
      </ul>
    </section>
  );
}
