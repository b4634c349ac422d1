import type { FamilyFileView } from "./family-file-view.server";

/** The family's price for each service in force today, with the rule that produced it. */
export function PricesSection({ prices }: { prices: FamilyFileView["prices"] }) {
  if (prices.length === 0) return null;
  return (
    <section aria-labelledby="tarifs-famille" data-testid="tarifs">
      <h2 id="tarifs-famille">Tarifs en vigueur</h2>
      <ul>
        {prices.map((p) => (
          <li key={p.service} className="fr-mb-1w">
            <strong>{p.service}</strong> : {p.price} {p.per}
            <br />
            <span className="fr-text--sm">{p.explanation}</span>
            {p.siblings.map((s) => (
              <span key={s.label} className="fr-text--sm">
                <br />
                {s.label} : {s.price} {p.per}
              </span>
            ))}
            {p.previous ? (
              <span className="fr-text--sm">
                <br />
                Avec le QF précédent : {p.previous.price} ({p.previous.explanation})
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
