import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import { families, qfCampaignItems, qfCampaigns, type QfCampaign } from "../../../db/schema/index.ts";
import { buildInboxWhere, type InboxQuery } from "../dossiers/dossier-list-query.server";
import { bracketFor } from "../settings/tariff-brackets";
import { loadTariffBrackets } from "../settings/tariff-brackets.server";

/**
 * What the portal's campaign pages need beyond the engine (campaigns.server.ts): which
 * families a campaign would cover, the families whose tariff bracket changed, the last
 * campaign's QF changes for the inbox notice. The yearly campaign day is campaign-schedule.server.ts.
 */

/** Same rule as createCampaign: only families with a usable pivot identity can be asked for. */
const eligible = sql`${families.identityKey} is not null and ${families.familyName} is not null
  and ${families.gender} is not null and ${families.birthdate} is not null and ${families.birthcountry} is not null`;

/** An agent selects families on one inbox page (≤ 100 rows); the bound keeps a forged form small. */
export const MAX_SELECTED_FAMILIES = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CampaignTargetInput =
  { scope: "all" } | { scope: "search"; query: InboxQuery } | { scope: "selection"; familyIds: readonly string[] };

export interface CampaignTarget {
  scope: "all" | "search" | "selection";
  /** "all" lets createCampaign select in SQL; otherwise the commune's eligible families. */
  familyIds: string[] | "all";
  /** Families the campaign will ask for (eligible ones only). */
  eligibleCount: number;
  /** Families matched by the scope, eligible or not. */
  matchedCount: number;
}

/** Well-formed, distinct ids, at most MAX_SELECTED_FAMILIES (null when there are more). */
export function parseSelectedIds(values: readonly string[]): string[] | null {
  const ids = [...new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => UUID.test(v)))];
  return ids.length > MAX_SELECTED_FAMILIES ? null : ids;
}

/**
 * The families a campaign would cover, always scoped to the commune: a selection of ids from
 * another commune simply matches nothing.
 */
export async function resolveCampaignTarget(
  db: Database,
  collectivityId: string,
  input: CampaignTargetInput,
): Promise<CampaignTarget> {
  let where: SQL;
  if (input.scope === "all") where = eq(families.collectivityId, collectivityId);
  else if (input.scope === "search") where = await buildInboxWhere(db, collectivityId, input.query);
  else if (input.familyIds.length === 0) where = sql`false`;
  else where = and(eq(families.collectivityId, collectivityId), inArray(families.id, [...input.familyIds]))!;

  const [counts] = await db
    .select({
      matched: sql<number>`count(*)::int`,
      eligible: sql<number>`(count(*) filter (where ${eligible}))::int`,
    })
    .from(families)
    .where(where);
  const matchedCount = Number(counts?.matched ?? 0);
  const eligibleCount = Number(counts?.eligible ?? 0);
  if (input.scope === "all") return { scope: "all", familyIds: "all", eligibleCount, matchedCount };
  const rows = await db.select({ id: families.id }).from(families).where(and(where, eligible));
  return { scope: input.scope, familyIds: rows.map((r) => r.id), eligibleCount, matchedCount };
}

/** A family whose QF a campaign changed. */
export interface ChangedFamily {
  familyId: string;
  /** Personal: for the agent's screen only. */
  familyName: string | null;
  givenNames: string | null;
  oldValue: number | null;
  newValue: number | null;
}

export interface BracketChange extends ChangedFamily {
  oldBracket: string | null;
  newBracket: string | null;
}

/** A family and its campaign item's QF, as both lists of changes read them in SQL. */
type ChangedFamilyRow = {
  family_id: string;
  family_name: string | null;
  given_names: string | null;
  old_value: number | null;
  new_value: number | null;
};

const changedFamily = (row: ChangedFamilyRow): ChangedFamily => ({
  familyId: row.family_id,
  familyName: row.family_name,
  givenNames: row.given_names,
  oldValue: row.old_value === null ? null : Number(row.old_value),
  newValue: row.new_value === null ? null : Number(row.new_value),
});

/**
 * Families of the campaign whose tariff bracket changed with their new QF, by name, one page.
 * Brackets are the commune's current ones (the report answers "who changes bracket now").
 *
 * The campaign page asks for the count every few seconds while a campaign runs. The brackets (at
 * most MAX_TARIFF_BRACKETS) are read first and turned into one CASE, so each item costs two
 * comparisons in a single scan of the campaign's updated items, where a lateral lookup per value
 * took a third of a second at 40,000 items.
 */
export async function listBracketChanges(
  db: Database,
  input: { campaignId: string; collectivityId: string; limit: number; offset: number },
): Promise<{ total: number; rows: BracketChange[] }> {
  const brackets = await loadTariffBrackets(db, input.collectivityId);
  if (brackets.length === 0) return { total: 0, rows: [] };
  // The position of the first bracket holding the value, in the commune's order (as bracketFor).
  const positionOf = (value: SQL) =>
    sql`(case ${sql.join(
      brackets.map(
        (b, i) =>
          sql`when ${value} >= ${b.min}${b.max === null ? sql`` : sql` and ${value} <= ${b.max}`} then ${sql.raw(String(i))}`,
      ),
      sql` `,
    )} end)`;
  const base = sql`from qf_campaign_items i
      join qf_campaigns c on c.id = i.campaign_id and c.collectivity_id = ${input.collectivityId}::uuid
      where i.campaign_id = ${input.campaignId}::uuid and i.status = 'updated'
        and ${positionOf(sql`i.old_value`)} is distinct from ${positionOf(sql`i.new_value`)}`;
  const [count] = await queryRows<{ total: number }>(db, sql`select count(*)::int as total ${base}`);
  const total = Number(count?.total ?? 0);
  if (input.limit === 0 || total === 0) return { total, rows: [] };
  const rows = await queryRows<ChangedFamilyRow>(
    db,
    sql`select i.family_id, f.family_name, f.given_names, i.old_value, i.new_value
        from (select i.id, i.family_id, i.old_value, i.new_value ${base}) i
        join families f on f.id = i.family_id
        order by f.family_name nulls last, i.id
        limit ${input.limit} offset ${input.offset}`,
  );
  const label = (value: number | null) => bracketFor(value, brackets)?.label ?? null;
  return {
    total,
    rows: rows.map((row) => {
      const family = changedFamily(row);
      return { ...family, oldBracket: label(family.oldValue), newBracket: label(family.newValue) };
    }),
  };
}

export interface LastCampaignChanges {
  campaignId: string;
  finishedAt: Date | null;
  annee: number;
  mois: number;
  total: number;
  rows: ChangedFamily[];
}

/**
 * The inbox notice's first names of a campaign over the whole commune with this many changed
 * families or more are found by walking the commune's families in name order (families_name_idx)
 * and probing each one's item: changed families are then spread over the alphabet, and the walk
 * stops after `limit` finds within a few hundred families. A smaller or narrower campaign (a
 * search, a selection) may sit in one corner of the alphabet, past most of the commune: its
 * changed items are collected first and sorted.
 */
export const NAME_WALK_FROM = 2_000;

/**
 * How many families of an ended campaign got a new QF. A done campaign's counts were written when
 * it ended and no item of it changes afterwards (an erased family's items are taken off them in the
 * erasure's transaction): read them, as counting 200,000 items took 15 ms on every view of the
 * inbox of a commune of 250,000 files. A stopped campaign's items in flight finish after the stop,
 * and older campaigns may have no counts: those are counted (ADR 041).
 */
async function changedFamilyCount(db: Database, campaign: QfCampaign): Promise<number> {
  if (campaign.status === "done" && campaign.counts) return campaign.counts.updated ?? 0;
  const [count] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(qfCampaignItems)
    .where(and(eq(qfCampaignItems.campaignId, campaign.id), eq(qfCampaignItems.status, "updated")));
  return Number(count?.total ?? 0);
}

/**
 * The QF changes of the commune's last finished campaign (for the inbox notice, on every view of
 * the inbox); null when none changed. Sorting 40,000 changed items by name for ten of them took
 * 70 ms on an idle machine, the walk takes a few.
 */
export async function lastCampaignChanges(
  db: Database,
  collectivityId: string,
  limit = 10,
  nameWalkFrom = NAME_WALK_FROM,
): Promise<LastCampaignChanges | null> {
  const [campaign] = await db
    .select()
    .from(qfCampaigns)
    .where(and(eq(qfCampaigns.collectivityId, collectivityId), inArray(qfCampaigns.status, ["done", "stopped"])))
    .orderBy(desc(qfCampaigns.finishedAt), desc(qfCampaigns.createdAt))
    .limit(1);
  if (!campaign) return null;
  const total = await changedFamilyCount(db, campaign);
  if (total === 0) return null;
  const changed = sql`i.campaign_id = ${campaign.id}::uuid and i.status = 'updated'`;
  const columns = sql`f.id as family_id, f.family_name, f.given_names, i.old_value, i.new_value`;
  const rest = sql`where f.collectivity_id = ${collectivityId}::uuid
    order by f.family_name nulls last, f.given_names nulls last, f.id limit ${limit}`;
  // OFFSET 0 keeps the lateral subquery a probe per family, and MATERIALIZED the collected items a
  // set to sort: left to its row estimates, the planner may pick the other plan for either.
  const query =
    campaign.scope === "all" && total >= nameWalkFrom
      ? sql`select ${columns} from families f cross join lateral (
          select i.old_value, i.new_value from qf_campaign_items i where ${changed} and i.family_id = f.id offset 0
        ) i ${rest}`
      : sql`with i as materialized (
          select i.family_id, i.old_value, i.new_value from qf_campaign_items i where ${changed}
        ) select ${columns} from i join families f on f.id = i.family_id ${rest}`;
  const rows = await queryRows<ChangedFamilyRow>(db, query);
  return {
    campaignId: campaign.id,
    finishedAt: campaign.finishedAt,
    annee: campaign.annee,
    mois: campaign.mois,
    total,
    rows: rows.map(changedFamily),
  };
}
