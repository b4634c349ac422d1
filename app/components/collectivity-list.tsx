import { Form, Link } from "@remix-run/react";
import type { DepartementGroup } from "~/citizen/collectivities.server";

/**
 * The communes offering the service, grouped by département, with a search
 * that is a plain GET form (works without JavaScript, shareable URL).
 */
export function CollectivityList({ groups, query }: { groups: DepartementGroup[]; query: string }) {
  const count = groups.reduce((total, group) => total + group.collectivities.length, 0);
  return (
    <>
      <Form method="get" action="/collectivites" role="search" className="fr-mb-4w">
        <div className="fr-search-bar fr-search-bar--lg" id="recherche-commune">
          <label className="fr-label" htmlFor="q">
            Rechercher votre commune (nom, code INSEE, nom ou numéro de département)
          </label>
          <input
            className="fr-input"
            type="search"
            id="q"
            name="q"
            defaultValue={query}
            // DSFR hides the search bar's label: without this, sighted users see an empty field.
            // Short enough to be read whole on a 320 px wide phone; the label gives the details.
            placeholder="Commune ou département"
            autoComplete="address-level2"
          />
          <button type="submit" className="fr-btn" title="Rechercher">
            Rechercher
          </button>
        </div>
      </Form>
      <p role="status" className="fr-mb-2w">
        {count === 0
          ? "Aucune commune ne correspond à votre recherche."
          : `${count} commune${count > 1 ? "s" : ""} ${query ? "correspond" + (count > 1 ? "ent" : "") + " à votre recherche" : "propose" + (count > 1 ? "nt" : "") + " ce service"}.`}
      </p>
      {count === 0 ? (
        <p>
          Votre commune n’apparaît pas ? Elle ne propose pas encore ce service : renseignez-vous auprès de sa mairie, ou{" "}
          <Link to="/sans-france-connect">transmettez votre attestation de quotient familial autrement</Link>.
        </p>
      ) : null}
      {groups.map((group) => (
        <section key={group.departement} aria-labelledby={`departement-${group.departement}`} className="fr-mb-3w">
          <h2 id={`departement-${group.departement}`} className="fr-h5">
            {group.departementLabel}
          </h2>
          <ul>
            {group.collectivities.map((c) => (
              <li key={c.siret}>
                <Link to={`/collectivites/${c.siret}`}>{c.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
