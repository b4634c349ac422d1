import { Link } from "@remix-run/react";
import type { CampaignPage } from "./campaign-page.server";

type ServiceChanges = CampaignPage["priceChanges"][number];
type Side = ServiceChanges["up"];

const families = (n: number) => `${n.toLocaleString("fr-FR")} famille${n > 1 ? "s" : ""}`;

function LargestChanges({ side, caption, fileBase }: { side: Side; caption: string; fileBase: string }) {
  if (side.largest.length === 0) return null;
  return (
    <div className="fr-table fr-table--sm fr-mb-2w">
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">Famille</th>
                  <th scope="col">Avant</th>
                  <th scope="col">Après</th>
                  <th scope="col">Écart</th>
                </tr>
              </thead>
              <tbody>
                {side.largest.map((change) => (
                  <tr key={change.familyId}>
                    <th scope="row">
                      <Link to={`${fileBase}/${change.familyId}`}>{change.name}</Link>
                    </th>
                    <td>{change.before}</td>
                    <td>{change.after}</td>
                    <td>{change.delta}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}

/**
 * « Familles dont le tarif change »: per published service, the families whose price (first
 * child, rule in force when the campaign ended) went up or down with their new QF.
 */
export function CampaignPriceChanges({ services, fileBase }: { services: ServiceChanges[]; fileBase: string }) {
  if (services.length === 0) return null;
  return (
    <section aria-labelledby="tarifs-titre" className="fr-mt-4w">
      <h2 id="tarifs-titre">Familles dont le tarif change</h2>
      <p className="fr-text--sm">
        Tarif du 1er enfant selon la grille publiée en vigueur à la fin de la mise à jour, avec le QF d’avant puis celui
        d’après. Les plus gros écarts sont listés, dix au plus dans chaque sens.
      </p>
      {services.map((service) => (
        <section key={service.id} aria-labelledby={`tarif-${service.id}`} className="fr-mb-3w">
          <h3 id={`tarif-${service.id}`} className="fr-h5">
            {service.name} ({service.per})
          </h3>
          {service.up.families + service.down.families === 0 ? (
            <p>Aucune famille ne change de tarif.</p>
          ) : (
            <ul>
              <li>
                En hausse : {families(service.up.families)}, {service.up.total} de plus au total {service.per}
              </li>
              <li>
                En baisse : {families(service.down.families)}, {service.down.total} de moins au total {service.per}
              </li>
            </ul>
          )}
          <LargestChanges side={service.up} caption={`${service.name} : plus fortes hausses`} fileBase={fileBase} />
          <LargestChanges side={service.down} caption={`${service.name} : plus fortes baisses`} fileBase={fileBase} />
        </section>
      ))}
    </section>
  );
}
