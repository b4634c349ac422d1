import { LANDMARK_IDS } from "./shared";

export type SkipLink = { label: string; targetId: string };

const DEFAULT_LINKS: SkipLink[] = [
  { label: "Contenu", targetId: LANDMARK_IDS.content },
  { label: "Menu", targetId: LANDMARK_IDS.menu },
  { label: "Pied de page", targetId: LANDMARK_IDS.footer },
];

/** DSFR "liens d'évitement": first focusable element of every page (RGAA 12.7). */
export function SkipLinks({ links = DEFAULT_LINKS }: { links?: SkipLink[] }) {
  return (
    <div className="fr-skiplinks">
      <nav className="fr-container" aria-label="Accès rapide">
        <ul className="fr-skiplinks__list">
          {links.map((link) => (
            <li key={link.targetId}>
              <a className="fr-link" href={`#${link.targetId}`}>
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
