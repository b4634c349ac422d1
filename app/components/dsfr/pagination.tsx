import { Link } from "@remix-run/react";
import { cx } from "./shared";

type PaginationProps = {
  /** 1-based. */
  currentPage: number;
  pageCount: number;
  /** URL of a page, e.g. (page) => `?page=${page}` (keep the other search params yourself). */
  pageHref: (page: number) => string;
};

type PageItem = number | "ellipsis-before" | "ellipsis-after";

/** Pages shown around the current one; the others collapse into "…". */
export function visiblePages(currentPage: number, pageCount: number): PageItem[] {
  const pages = new Set([1, pageCount, currentPage - 1, currentPage, currentPage + 1]);
  const sorted = [...pages].filter((page) => page >= 1 && page <= pageCount).sort((a, b) => a - b);
  const items: PageItem[] = [];
  sorted.forEach((page, index) => {
    const previous = sorted[index - 1];
    if (previous !== undefined && page - previous > 1) {
      items.push(page < currentPage ? "ellipsis-before" : "ellipsis-after");
    }
    items.push(page);
  });
  return items;
}

/** DSFR "pagination"; renders nothing for a single page. */
export function Pagination({ currentPage, pageCount, pageHref }: PaginationProps) {
  if (pageCount <= 1) return null;
  const isFirst = currentPage <= 1;
  const isLast = currentPage >= pageCount;
  return (
    <nav role="navigation" className="fr-pagination" aria-label="Pagination">
      <ul className="fr-pagination__list">
        <li>
          <EdgeLink className="fr-pagination__link--first" label="Première page" to={isFirst ? null : pageHref(1)} />
        </li>
        <li>
          <EdgeLink
            className="fr-pagination__link--prev fr-pagination__link--lg-label"
            label="Page précédente"
            to={isFirst ? null : pageHref(currentPage - 1)}
          />
        </li>
        {visiblePages(currentPage, pageCount).map((item) =>
          typeof item === "number" ? (
            <li key={item}>
              {item === currentPage ? (
                // DSFR markup: the current page is a link without href, so it is not a useless tab stop.
                // eslint-disable-next-line jsx-a11y/anchor-is-valid
                <a className="fr-pagination__link" aria-current="page" title={`Page ${item}`}>
                  {item}
                </a>
              ) : (
                <Link className="fr-pagination__link" to={pageHref(item)} title={`Page ${item}`}>
                  {item}
                </Link>
              )}
            </li>
          ) : (
            <li key={item}>
              <span className="fr-pagination__link">…</span>
            </li>
          ),
        )}
        <li>
          <EdgeLink
            className="fr-pagination__link--next fr-pagination__link--lg-label"
            label="Page suivante"
            to={isLast ? null : pageHref(currentPage + 1)}
          />
        </li>
        <li>
          <EdgeLink
            className="fr-pagination__link--last"
            label="Dernière page"
            to={isLast ? null : pageHref(pageCount)}
          />
        </li>
      </ul>
    </nav>
  );
}

/** First/previous/next/last link; DSFR renders an unavailable one as a disabled link without href. */
function EdgeLink({ className, label, to }: { className: string; label: string; to: string | null }) {
  const classes = cx("fr-pagination__link", className);
  if (to === null) {
    return (
      // eslint-disable-next-line jsx-a11y/anchor-is-valid -- DSFR markup for an unavailable page link
      <a className={classes} aria-disabled="true" role="link" title={label}>
        {label}
      </a>
    );
  }
  return (
    <Link className={classes} to={to} title={label}>
      {label}
    </Link>
  );
}
