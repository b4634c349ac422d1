import type { Database } from "../../../db/client.ts";
import { FORM_ERROR_KEY, parseForm, type FieldErrors } from "~/forms/parse-form";
import {
  MAX_SELECTED_FAMILIES,
  parseSelectedIds,
  resolveCampaignTarget,
  type CampaignTarget,
} from "~/portal/campaigns/campaign-portal.server";
import {
  backSearchParams,
  campaignPeriodSchema,
  parseCampaignRequest,
  SCOPE_PARAM,
  SELECTED_PARAM,
  type ParsedCampaignRequest,
} from "~/portal/campaigns/campaign-request";
import { createCampaign, currentParisPeriod } from "~/portal/campaigns/campaigns.server";

/**
 * The confirmation page of a campaign: the families the inbox's request covers (all, a search,
 * the checked files), then the campaign once the agent confirms the period.
 */

/** The families of the request, or why there are none to ask for. */
async function target(
  db: Database,
  collectivityId: string,
  request: ParsedCampaignRequest,
): Promise<{ error: string; target: null } | { error: null; target: CampaignTarget }> {
  if (request.scope === "selection") {
    const ids = parseSelectedIds(request.ids);
    if (ids === null) return { error: `Sélectionnez au plus ${MAX_SELECTED_FAMILIES} dossiers.`, target: null };
    return {
      error: null,
      target: await resolveCampaignTarget(db, collectivityId, { scope: "selection", familyIds: ids }),
    };
  }
  const input = request.scope === "search" ? { scope: request.scope, query: request.query } : { scope: request.scope };
  return { error: null, target: await resolveCampaignTarget(db, collectivityId, input) };
}

/** Hidden fields that carry the request to the POST (the selection as ids of the commune). */
function hiddenFields(request: ParsedCampaignRequest, resolved: CampaignTarget | null): [string, string][] {
  if (request.scope === "all") return [[SCOPE_PARAM, "tous"]];
  if (request.scope === "search") {
    return [[SCOPE_PARAM, "recherche"], ...new URLSearchParams(request.searchParams).entries()];
  }
  const ids = resolved && resolved.familyIds !== "all" ? resolved.familyIds : [];
  return [[SCOPE_PARAM, "selection"], ...ids.map((id): [string, string] => [SELECTED_PARAM, id])];
}

/** What the confirmation page shows for the request in its URL. */
export async function loadNewCampaign(db: Database, collectivityId: string, url: URL) {
  const parsed = parseCampaignRequest(url.searchParams);
  const { error, target: resolved } = await target(db, collectivityId, parsed);
  return {
    scope: parsed.scope,
    backParams: backSearchParams(url.searchParams, parsed),
    error,
    eligible: resolved?.eligibleCount ?? 0,
    matched: resolved?.matchedCount ?? 0,
    hidden: hiddenFields(parsed, resolved),
    current: currentParisPeriod(),
  };
}

/** A refusal: the form is shown again with its messages and the period as typed. */
export interface NewCampaignRefused {
  errors: FieldErrors;
  values: { annee: string; mois: string };
}

/** Starts the campaign the agent confirmed, or says why not. */
export async function startCampaign(
  db: Database,
  input: { collectivityId: string; agentId: string; form: FormData },
): Promise<{ ok: true; campaignId: string } | ({ ok: false } & NewCampaignRefused)> {
  const period = parseForm(campaignPeriodSchema(currentParisPeriod()), input.form);
  const values = { annee: period.values.annee ?? "", mois: period.values.mois ?? "" };
  if (!period.success) return { ok: false, errors: period.errors, values };
  const fields = new URLSearchParams();
  for (const [key, value] of input.form) if (typeof value === "string") fields.append(key, value);
  const { error, target: resolved } = await target(db, input.collectivityId, parseCampaignRequest(fields));
  if (error !== null) return { ok: false, errors: { [FORM_ERROR_KEY]: error }, values };
  if (resolved.eligibleCount === 0) {
    const none = "Aucun de ces dossiers ne peut être mis à jour : aucune famille avec une identité lisible.";
    return { ok: false, errors: { [FORM_ERROR_KEY]: none }, values };
  }
  const campaign = await createCampaign(db, {
    collectivityId: input.collectivityId,
    period: period.data,
    familyIds: resolved.familyIds,
    scope: resolved.scope,
    trigger: "agent",
    agentId: input.agentId,
  });
  if (!campaign) throw new Error("campaign not created");
  return { ok: true, campaignId: campaign.id };
}
