/**
 * Addresses of the family file page, shared by the server (the redirect after an action) and the
 * page (links): a file keeps the inbox query the agent came from, in `retour`.
 */

/** The inbox query the agent came from (the `retour` param), kept as a query string. */
export function backQuery(url: URL): string {
  const raw = url.searchParams.get("retour") ?? "";
  return raw.length > 2000 ? "" : raw;
}

/** The inbox as the agent left it. */
export const inboxHref = (siret: string, retour: string) =>
  `/portail/communes/${siret}/dossiers${retour ? `?${retour}` : ""}`;

/** The file's own address, keeping the inbox query the agent came from (and nothing else). */
export function familyFileHref(siret: string, familyId: string, retour: string): string {
  return `/portail/communes/${siret}/dossiers/${familyId}${retour ? `?retour=${encodeURIComponent(retour)}` : ""}`;
}
