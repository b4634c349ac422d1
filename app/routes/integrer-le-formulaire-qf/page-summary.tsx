/** The page's sections, in order: each is an h2 with this id. */
const SECTIONS: Array<[id: string, title: string]> = [
  ["recevoir", "Recevoir les dossiers par HubEE"],
  ["statuts", "Renvoyer les statuts"],
  ["contenu", "Le contenu d’un dossier"],
  ["lien", "Le lien depuis votre portail famille"],
  ["api", "L’API publique"],
  ["webhooks", "Les webhooks du portail"],
];

/** DSFR "sommaire" of the editors' page. */
export function PageSummary() {
  return (
    <nav aria-labelledby="sommaire-titre" className="fr-summary fr-mb-4w">
      <h2 id="sommaire-titre" className="fr-summary__title">
        Sommaire
      </h2>
      <ol>
        {SECTIONS.map(([id, title]) => (
          <li key={id}>
            <a className="fr-summary__link" href={`#${id}`}>
              {title}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
