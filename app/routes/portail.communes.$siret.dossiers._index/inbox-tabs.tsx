import { Link } from "@remix-run/react";
import { INBOX_TABS, TAB_KEYS, type InboxQuery, type InboxTab } from "~/portal/dossiers/dossier-list-query";
import type { InboxLinks } from "./inbox-links";

/** One link per status tab with its count; the status filter only carries over to « Tous ». */
export function InboxTabs({
  query,
  links,
  counts,
}: {
  query: InboxQuery;
  links: InboxLinks;
  counts: Record<InboxTab, number>;
}) {
  return (
    <nav aria-label="Dossiers par statut" className="fr-mb-3w">
      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        {TAB_KEYS.map((tab) => (
          <li key={tab}>
            <Link
              to={links.href({
                onglet: tab === "a-traiter" ? null : tab,
                page: null,
                statut: tab === "tous" ? (query.status ?? null) : null,
              })}
              aria-current={query.tab === tab ? "page" : undefined}
              className={`fr-btn fr-btn--sm ${query.tab === tab ? "" : "fr-btn--tertiary"}`}
            >
              {INBOX_TABS[tab].label} ({counts[tab]})
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
