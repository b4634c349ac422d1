import { inboxSearchParams, type InboxQuery } from "~/portal/dossiers/dossier-list-query";

/** The inbox's links, all carrying its current query (tab, search, filters, sort, page). */
export function inboxLinks(siret: string, query: InboxQuery) {
  const base = `/portail/communes/${siret}/dossiers`;
  const current = inboxSearchParams(query);
  // The file links carry the inbox query so the file can offer previous/next and a way back.
  const backQuery = current.toString();
  return {
    base,
    /** The query as params (export, campaign): the list's exact scope. */
    current,
    /** This list with some params replaced, or removed with null. */
    href(overrides: Record<string, string | null>) {
      const params = inboxSearchParams(query, overrides).toString();
      return params ? `?${params}` : "?";
    },
    file: (id: string) => `${base}/${id}${backQuery ? `?retour=${encodeURIComponent(backQuery)}` : ""}`,
  };
}

export type InboxLinks = ReturnType<typeof inboxLinks>;

/** Whether a search or any filter narrows the list (tab, sort and page do not). */
export const isFiltered = (query: InboxQuery) =>
  Boolean(
    query.q ||
    query.period ||
    query.from ||
    query.to ||
    query.qfMin !== null ||
    query.qfMax !== null ||
    query.provider ||
    query.children !== null ||
    query.priceMin !== null ||
    query.priceMax !== null ||
    query.status,
  );

/** The filter params "Effacer les filtres" removes. */
export const CLEARED_FILTERS: Record<string, null> = Object.fromEntries(
  [
    "q",
    "periode",
    "du",
    "au",
    "qfMin",
    "qfMax",
    "regime",
    "enfants",
    "tarifService",
    "tarifMin",
    "tarifMax",
    "statut",
    "page",
  ].map((name) => [name, null]),
);
