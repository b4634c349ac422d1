import { z } from "zod";
import { optionalText } from "~/forms/fields";
import { inboxSearchParams, parseInboxQuery, type InboxQuery } from "../dossiers/dossier-list-query";

/**
 * "Mettre à jour les QF" as the inbox sends it (a GET link or the selection form) and as the
 * confirmation page posts it back: the scope, the inbox search or the selected files, and the
 * period. Plain URL params, so the whole flow works without JavaScript.
 */

export const SCOPE_PARAM = "portee";
export const SELECTED_PARAM = "dossier";
/** The inbox search a selection was made in, for the way back. */
export const RETURN_PARAM = "retour";
const SCOPES = { tous: "all", recherche: "search", selection: "selection" } as const;
export type ScopeParam = keyof typeof SCOPES;

export type ParsedCampaignRequest =
  | { scope: "all" }
  | { scope: "search"; query: InboxQuery; searchParams: string }
  | { scope: "selection"; ids: string[] };

/** Params that are not the inbox's own. */
const OWN_PARAMS = new Set([SCOPE_PARAM, SELECTED_PARAM, RETURN_PARAM, "annee", "mois", "intent"]);

export function parseCampaignRequest(params: URLSearchParams): ParsedCampaignRequest {
  const requested = params.get(SCOPE_PARAM) ?? "tous";
  // Own keys only: ?portee=constructor must not pick up Object's members.
  const scope = Object.hasOwn(SCOPES, requested) ? SCOPES[requested as ScopeParam] : "all";
  if (scope === "all") return { scope };
  if (scope === "selection") return { scope, ids: params.getAll(SELECTED_PARAM) };
  const inbox = new URLSearchParams();
  for (const [key, value] of params) if (!OWN_PARAMS.has(key)) inbox.append(key, value);
  // Pages do not narrow a search: the campaign covers every result.
  const query = { ...parseInboxQuery(inbox), page: 1 };
  return { scope, query, searchParams: inboxSearchParams(query).toString() };
}

/** The inbox query string to go back to (a selection's `retour`, or the search itself). */
export function backSearchParams(params: URLSearchParams, parsed: ParsedCampaignRequest): string {
  if (parsed.scope === "search") return parsed.searchParams;
  if (parsed.scope !== "selection") return "";
  const raw = params.get(RETURN_PARAM) ?? "";
  // Re-serialised through the inbox parser: only known params, nothing else travels.
  return raw.length > 2000 ? "" : inboxSearchParams(parseInboxQuery(new URLSearchParams(raw))).toString();
}

/** The confirmation link of a search, e.g. from the inbox. */
export function searchCampaignHref(siret: string, inboxParams: URLSearchParams): string {
  const params = new URLSearchParams(inboxParams);
  params.delete("page");
  params.set(SCOPE_PARAM, "recherche");
  return `/portail/communes/${siret}/campagnes/nouvelle?${params.toString()}`;
}

export interface PeriodInput {
  annee: number;
  mois: number;
}

/**
 * The confirmation form's period, the QF period asked of API Particulier: a month of the past two
 * years up to the current one (a later month has no QF yet). Empty fields mean the current month.
 * The other fields (scope, search, selection) are the request's, read by parseCampaignRequest.
 */
export const campaignPeriodSchema = (current: PeriodInput) =>
  z.object({ annee: optionalText(20), mois: optionalText(20) }).transform((input, ctx): PeriodInput => {
    const annee = input.annee ? Number(input.annee) : current.annee;
    const mois = input.mois ? Number(input.mois) : current.mois;
    const issue = (path: "annee" | "mois", message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const badYear = !Number.isInteger(annee) || annee < current.annee - 2 || annee > current.annee;
    if (badYear) issue("annee", `Saisissez une année entre ${current.annee - 2} et ${current.annee}.`);
    if (!Number.isInteger(mois) || mois < 1 || mois > 12) issue("mois", "Choisissez un mois.");
    else if (!badYear && annee * 12 + mois > current.annee * 12 + current.mois) {
      issue("mois", "Cette période n’a pas encore commencé : choisissez le mois en cours ou un mois passé.");
    }
    return { annee, mois };
  });
