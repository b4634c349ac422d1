import type { Database } from "../../../db/client.ts";
import { formatQuotient } from "~/domain/format";
import { formatDateTime } from "~/domain/paris-time";
import { agentDisplayName } from "~/portal/access/agent-names.server";
import { formatPeriod } from "~/portal/campaigns/campaign-labels";
import { formatCents } from "~/domain/pricing/money";
import { listBracketChanges } from "~/portal/campaigns/campaign-portal.server";
import { campaignPriceChanges } from "~/portal/campaigns/campaign-price-changes.server";
import { loadCampaignProgressView } from "~/portal/campaigns/campaign-progress-view.server";
import { listCampaignItems } from "~/portal/campaigns/campaigns.server";
import { BRACKETS_LIST, listOf } from "./report-lists";

/** Rows per page of a report list: bounded, the lists of a big commune run into thousands. */
export const REPORT_PAGE_SIZE = 50;

/** Families listed each way per service in « Familles dont le tarif change ». */
export const PRICE_CHANGES_LIMIT = 10;

/** A family of a report list, as the table shows it. */
export interface ReportRow {
  familyId: string;
  name: string;
  oldValue: string;
  newValue: string;
  detail: string;
}

const familyName = (name: string | null, givenNames: string | null) =>
  [name, givenNames].filter(Boolean).join(" ") || "Identité illisible";
const qf = (value: number | null) => (value === null ? "—" : formatQuotient(value));

/**
 * The campaign page: the campaign, its live numbers and one page of the list the agent reads
 * (`?liste=…&page=…`); null when the campaign is not the commune's.
 */
export async function loadCampaignPage(
  db: Database,
  input: { campaignId: string; collectivity: { id: string; name: string; siret: string }; url: URL },
) {
  const { collectivity, url } = input;
  const found = await loadCampaignProgressView(db, input.campaignId, collectivity.id);
  if (!found) return null;
  const { campaign, view } = found;
  const list = listOf(url.searchParams.get("liste"));
  const page = Math.min(1000, Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const scope = { campaignId: campaign.id, collectivityId: collectivity.id };
  const window = { limit: REPORT_PAGE_SIZE, offset: (page - 1) * REPORT_PAGE_SIZE };
  const items: ReportRow[] =
    list === BRACKETS_LIST
      ? (await listBracketChanges(db, { ...scope, ...window })).rows.map((r) => ({
          familyId: r.familyId,
          name: familyName(r.familyName, r.givenNames),
          oldValue: qf(r.oldValue),
          newValue: qf(r.newValue),
          detail: `${r.oldBracket ?? "Aucune tranche"} → ${r.newBracket ?? "Aucune tranche"}`,
        }))
      : (await listCampaignItems(db, { ...scope, status: list, ...window })).map((r) => ({
          familyId: r.familyId,
          name: familyName(r.familyName, r.givenNames),
          oldValue: qf(r.oldValue),
          newValue: qf(r.newValue),
          detail: r.errorCode ? `Code ${r.errorCode}${r.attempts > 1 ? ` · ${r.attempts} essais` : ""}` : "",
        }));
  const priceChanges = (
    await campaignPriceChanges(db, { ...scope, finishedAt: campaign.finishedAt, limit: PRICE_CHANGES_LIMIT })
  ).map((service) => {
    const side = (changes: typeof service.summary.up) => ({
      families: changes.families,
      total: formatCents(changes.totalCents),
      largest: changes.largest.map((change) => ({
        familyId: change.family.familyId,
        name: familyName(change.family.familyName, change.family.givenNames),
        before: formatCents(change.beforeCents),
        after: formatCents(change.afterCents),
        delta: `${change.deltaCents > 0 ? "+" : "−"}${formatCents(Math.abs(change.deltaCents))}`,
      })),
    });
    return {
      id: service.serviceId,
      name: service.name,
      per: service.per,
      up: side(service.summary.up),
      down: side(service.summary.down),
    };
  });
  const listTotal = list === BRACKETS_LIST ? view.bracketChanges : view.counts[list];
  const open = view.counts.pending + view.counts.in_progress;
  const finished = campaign.status === "done" || campaign.status === "stopped";
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    campaign: {
      id: campaign.id,
      status: campaign.status,
      scope: campaign.scope,
      trigger: campaign.trigger,
      // By name, as the journal does: « un agent » sent people to the journal to find out who.
      startedBy: campaign.trigger === "agent" ? await agentDisplayName(db, campaign.startedBy) : null,
      period: formatPeriod(campaign.annee, campaign.mois),
      startedAt: campaign.startedAt ? formatDateTime(campaign.startedAt) : null,
      finishedAt: campaign.finishedAt ? formatDateTime(campaign.finishedAt) : null,
      stopReason: campaign.stopReason,
      retryOf: campaign.retryOf,
    },
    live: view,
    list,
    page,
    pageCount: Math.max(1, Math.ceil(listTotal / REPORT_PAGE_SIZE)),
    listTotal,
    items,
    priceChanges,
    canRetry: finished && view.counts.failed + open > 0,
  };
}

export type CampaignPage = NonNullable<Awaited<ReturnType<typeof loadCampaignPage>>>;
