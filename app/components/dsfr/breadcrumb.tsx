import { Link } from "@remix-run/react";
import { useId } from "react";

export type BreadcrumbSegment = { label: string; to: string };

type BreadcrumbProps = {
  /** Ancestors of the current page, starting with "Accueil". */
  segments: BreadcrumbSegment[];
  currentPageLabel: string;
};

/** DSFR "fil d'Ariane"; collapsed behind a button on small screens. */
export function Breadcrumb({ segments, currentPageLabel }: BreadcrumbProps) {
  const collapseId = `fil-d-ariane-${useId().replace(/:/g, "")}`;
  return (
    <nav role="navigation" className="fr-breadcrumb" aria-label="vous êtes ici :">
      <button type="button" className="fr-breadcrumb__button" aria-expanded="false" aria-controls={collapseId}>
        Voir le fil d’Ariane
      </button>
      <div className="fr-collapse" id={collapseId}>
        <ol className="fr-breadcrumb__list">
          {segments.map((segment) => (
            <li key={segment.to}>
              <Link className="fr-breadcrumb__link" to={segment.to}>
                {segment.label}
              </Link>
            </li>
          ))}
          <li>
            {/* DSFR marks the current page with a link without href: not focusable, read as plain text. */}
            {/* eslint-disable-next-line jsx-a11y/anchor-is-valid */}
            <a className="fr-breadcrumb__link" aria-current="page">
              {currentPageLabel}
            </a>
          </li>
        </ol>
      </div>
    </nav>
  );
}
