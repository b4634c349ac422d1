export interface CitizenTariffLine {
  service: string;
  per: string;
  price: string;
  explanation: string;
}

/** « Vos tarifs à Angers »: what the commune's published rules give for the citizen's QF. */
export function CitizenTariffs({
  tariffs,
  collectivityName,
}: {
  tariffs: CitizenTariffLine[];
  collectivityName: string;
}) {
  if (tariffs.length === 0) return null;
  return (
    <section className="fr-callout fr-mb-4w" aria-labelledby="vos-tarifs" data-testid="vos-tarifs">
      <h2 className="fr-callout__title fr-h5" id="vos-tarifs">
        Vos tarifs à {collectivityName}
      </h2>
      <ul className="fr-callout__text fr-text--md">
        {tariffs.map((t) => (
          <li key={t.service}>
            <strong>{t.service}</strong> : {t.price} {t.per}
            <br />
            <span className="fr-text--sm">{t.explanation}</span>
          </li>
        ))}
      </ul>
      <p className="fr-text--sm fr-mb-0">
        Calculés avec les tarifs publiés par la commune, à titre indicatif : la mairie confirme le tarif appliqué.
      </p>
    </section>
  );
}
