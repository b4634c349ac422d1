import { desc, eq, sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import {
  CAMPAIGN_ITEM_STATUSES,
  FAMILY_FILE_STATUSES,
  qfCampaigns,
  type CampaignItemStatus,
  type CampaignScope,
  type CampaignStatus,
  type FamilyFileStatus,
} from "../../../db/schema/index.ts";
import { loadTariffBrackets } from "../settings/tariff-brackets.server";
import { formatBracketRange, type TariffBracket } from "../settings/tariff-brackets";
import { lastMonths, type Bucket } from "./periods";

/**
 * The numbers of a commune's statistics page, every one aggregated in SQL (GROUP BY) and scoped
 * to the commune: counts only, nothing that names a family.
 */

/** Width of the default brackets when the commune defined none, and how many before "et plus". */
export const DEFAULT_BRACKET_WIDTH = 250;
export const DEFAULT_BRACKET_COUNT = 10;
export const MONTHS_SHOWN = 12;

/** 0 – 249, 250 – 499, … 2 250 – 2 499, 2 500 et plus. */
export function defaultBrackets(): TariffBracket[] {
  return Array.from({ length: DEFAULT_BRACKET_COUNT + 1 }, (_, index) => ({
    label: formatBracketRange({ label: "", ...defaultBracket(index) }),
    ...defaultBracket(index),
  }));
}

function defaultBracket(index: number): { min: number; max: number | null } {
  return {
    min: index * DEFAULT_BRACKET_WIDTH,
    max: index === DEFAULT_BRACKET_COUNT ? null : (index + 1) * DEFAULT_BRACKET_WIDTH - 1,
  };
}

export interface BracketCount extends TariffBracket {
  families: number;
}

export interface CommuneStatistics {
  brackets: {
    /** True when the commune defined no bracket and the default ranges of 250 are shown. */
    defaultRanges: boolean;
    rows: BracketCount[];
    /** Files without a known QF (unreadable transmission, no QF given). */
    withoutQf: number;
    /** QF outside every bracket the commune defined (cannot happen with validated brackets). */
    outside: number;
  };
  monthly: Array<Bucket & { count: number }>;
  statuses: Array<{ status: FamilyFileStatus; count: number }>;
  lastCampaign: {
    id: string;
    annee: number;
    mois: number;
    status: CampaignStatus;
    scope: CampaignScope;
    totalCount: number;
    startedAt: Date | null;
    finishedAt: Date | null;
    /** Items per status: the counts written at the end, or live counts while it runs. */
    counts: Record<CampaignItemStatus, number>;
  } | null;
}

export async function loadCommuneStatistics(
  db: Database,
  collectivityId: string,
  now = new Date(),
): Promise<CommuneStatistics> {
  const [brackets, monthly, statuses, lastCampaign] = await Promise.all([
    familiesByBracket(db, collectivityId),
    filesPerMonth(db, collectivityId, now),
    statusBreakdown(db, collectivityId),
    latestCampaign(db, collectivityId),
  ]);
  return { brackets, monthly, statuses, lastCampaign };
}

/**
 * One CASE over at most 20 brackets (the settings form's limit) or the 11 default ones: the
 * database counts, and the result has one row per bracket whatever the number of families.
 */
async function familiesByBracket(db: Database, collectivityId: string): Promise<CommuneStatistics["brackets"]> {
  const defined = await loadTariffBrackets(db, collectivityId);
  const brackets = defined.length > 0 ? defined : defaultBrackets();
  const cases: SQL[] = brackets.map((bracket, index) =>
    bracket.max === null
      ? sql`when qf_value >= ${bracket.min} then ${index}`
      : sql`when qf_value between ${bracket.min} and ${bracket.max} then ${index}`,
  );
  const rows = await queryRows<{ bucket: number; families: number }>(
    db,
    sql`select case when qf_value is null then -1 ${sql.join(cases, sql` `)} else -2 end::int as bucket,
               count(*)::int as families
        from families where collectivity_id = ${collectivityId}::uuid
        group by 1`,
  );
  const count = (bucket: number) => Number(rows.find((row) => Number(row.bucket) === bucket)?.families ?? 0);
  return {
    defaultRanges: defined.length === 0,
    rows: brackets.map((bracket, index) => ({ ...bracket, families: count(index) })),
    withoutQf: count(-1),
    outside: count(-2),
  };
}

/** Transmissions received (HubEE cases), per Paris month, the last 12 months with empty ones. */
async function filesPerMonth(db: Database, collectivityId: string, now: Date): Promise<CommuneStatistics["monthly"]> {
  const { buckets, since } = lastMonths(now, MONTHS_SHOWN);
  const rows = await queryRows<{ month: string; count: number }>(
    db,
    sql`select to_char(date_trunc('month', received_at at time zone 'Europe/Paris'), 'YYYY-MM') as month,
               count(*)::int as count
        from received_cases
        where collectivity_id = ${collectivityId}::uuid and received_at >= ${since.toISOString()}::timestamptz
        group by 1`,
  );
  const byMonth = new Map(rows.map((row) => [row.month, Number(row.count)]));
  return buckets.map((bucket) => ({ ...bucket, count: byMonth.get(bucket.key) ?? 0 }));
}

async function statusBreakdown(db: Database, collectivityId: string): Promise<CommuneStatistics["statuses"]> {
  const rows = await queryRows<{ status: FamilyFileStatus; count: number }>(
    db,
    sql`select status, count(*)::int as count from families
        where collectivity_id = ${collectivityId}::uuid group by status`,
  );
  return FAMILY_FILE_STATUSES.map((status) => ({
    status,
    count: Number(rows.find((row) => row.status === status)?.count ?? 0),
  }));
}

async function latestCampaign(db: Database, collectivityId: string): Promise<CommuneStatistics["lastCampaign"]> {
  const [campaign] = await db
    .select()
    .from(qfCampaigns)
    .where(eq(qfCampaigns.collectivityId, collectivityId))
    .orderBy(desc(qfCampaigns.createdAt), desc(qfCampaigns.id))
    .limit(1);
  if (!campaign) return null;
  const counts = Object.fromEntries(CAMPAIGN_ITEM_STATUSES.map((status) => [status, 0])) as Record<
    CampaignItemStatus,
    number
  >;
  if (campaign.counts) {
    for (const [status, count] of Object.entries(campaign.counts)) counts[status as CampaignItemStatus] = count ?? 0;
  } else {
    // Still running: its counts are written at the end, so count its items now.
    const rows = await queryRows<{ status: CampaignItemStatus; count: number }>(
      db,
      sql`select status, count(*)::int as count from qf_campaign_items
          where campaign_id = ${campaign.id}::uuid group by status`,
    );
    for (const row of rows) counts[row.status] = Number(row.count);
  }
  return {
    id: campaign.id,
    annee: campaign.annee,
    mois: campaign.mois,
    status: campaign.status,
    scope: campaign.scope,
    totalCount: campaign.totalCount,
    startedAt: campaign.startedAt,
    finishedAt: campaign.finishedAt,
    counts,
  };
}
