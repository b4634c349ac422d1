import { Link } from "@remix-run/react";
import type { FamilyFileView } from "./family-file-view.server";

/** Back to the inbox as the agent left it, and on to the previous or next file of that list. */
export function FileNavigation({
  listHref,
  fileHref,
  neighbours,
}: {
  listHref: string;
  fileHref: (familyId: string) => string;
  neighbours: FamilyFileView["neighbours"];
}) {
  return (
    <nav aria-label="Dossiers de la recherche" className="fr-mb-2w">
      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <li>
          <Link className="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-arrow-left-line fr-btn--icon-left" to={listHref}>
            Retour à la liste
          </Link>
        </li>
        {neighbours.previous ? (
          <li>
            <Link className="fr-btn fr-btn--sm fr-btn--tertiary" to={fileHref(neighbours.previous)} rel="prev">
              Dossier précédent
            </Link>
          </li>
        ) : null}
        {neighbours.next ? (
          <li>
            <Link className="fr-btn fr-btn--sm fr-btn--tertiary" to={fileHref(neighbours.next)} rel="next">
              Dossier suivant
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
