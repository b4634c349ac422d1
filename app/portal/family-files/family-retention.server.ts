import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../../db/client.ts";
import { auditEvents, collectivities, dataRetentionSettings } from "../../../db/schema/index.ts";
import { FAMILY_FILE_RETENTION_DEFAULT_YEARS } from "~/retention-periods";
import { logger } from "~/utils/logger.server";
import { recordAudit } from "../../audit/audit.server";
import { deleteFamilyFiles, type ErasureCounts } from "./family-erasure.server";
import { retentionCutoff } from "./family-retention";

/**
 * Retention of the portal's family files: each commune's chosen period (default
 * FAMILY_FILE_RETENTION_DEFAULT_YEARS), the files it makes expired, and the purge that deletes
 * them, audited per commune with counts only.
 */

export interface RetentionSetting {
  years: number;
  /** false: no choice stored, the default applies. */
  chosen: boolean;
  updatedAt: Date | null;
}

export async function getRetentionSetting(db: DbExecutor, collectivityId: string): Promise<RetentionSetting> {
  const [row] = await db
    .select()
    .from(dataRetentionSettings)
    .where(eq(dataRetentionSettings.collectivityId, collectivityId));
  return row
    ? { years: row.familyFileRetentionYears, chosen: true, updatedAt: row.updatedAt }
    : { years: FAMILY_FILE_RETENTION_DEFAULT_YEARS, chosen: false, updatedAt: null };
}

/** Stores the administrator's choice and its audit entry together; `years` is already validated. */
export async function saveRetentionSetting(
  db: Database,
  input: { collectivityId: string; actor: string; requestId?: string | null; years: number },
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const before = await getRetentionSetting(tx, input.collectivityId);
    const now = new Date();
    await tx
      .insert(dataRetentionSettings)
      .values({
        collectivityId: input.collectivityId,
        familyFileRetentionYears: input.years,
        updatedAt: now,
        updatedBy: input.actor,
      })
      .onConflictDoUpdate({
        target: dataRetentionSettings.collectivityId,
        set: { familyFileRetentionYears: input.years, updatedAt: now, updatedBy: input.actor },
      });
    const changed = !before.chosen || before.years !== input.years;
    if (changed) {
      await recordAudit(tx, {
        actor: input.actor,
        collectivityId: input.collectivityId,
        action: "data_retention.updated",
        targetType: "collectivity",
        targetId: input.collectivityId,
        requestId: input.requestId ?? null,
        details: { field: "family_file_retention_years", from: before.years, to: input.years },
      });
    }
    return { changed };
  });
}

/**
 * The commune's files whose last sign of life is older than the cutoff: no transmission and no
 * QF (transmitted or from a yearly update) since then. A file still waiting in an open QF
 * campaign is spared: the campaign may bring it a new QF, and deleting it under the worker's
 * lease would only make the call fail.
 */
function expiredFilesQuery(collectivityId: string, cutoff: Date, limit: number | null) {
  const at = cutoff.toISOString();
  return sql`
    select f.id from families f
    where f.collectivity_id = ${collectivityId}::uuid
      and f.received_at < ${at}::timestamptz
      and (f.qf_updated_at is null or f.qf_updated_at < ${at}::timestamptz)
      and not exists (select 1 from qf_history h where h.family_id = f.id and h.recorded_at >= ${at}::timestamptz)
      and not exists (select 1 from qf_campaign_items i
                      where i.family_id = f.id and i.status in ('pending', 'in_progress'))
    order by f.id
    ${limit === null ? sql`` : sql`limit ${limit}`}`;
}

/** How many files the next purge would delete under the commune's current setting (shown to its administrator). */
export async function countExpiredFamilyFiles(db: Database, collectivityId: string, now = new Date()): Promise<number> {
  const { years } = await getRetentionSetting(db, collectivityId);
  const rows = await queryRows<{ n: string }>(
    db,
    sql`select count(*)::text as n from (${expiredFilesQuery(collectivityId, retentionCutoff(now, years), null)}) e`,
  );
  return Number(rows[0]?.n ?? 0);
}

export interface CommunePurge {
  collectivityId: string;
  years: number;
  counts: ErasureCounts;
}

/**
 * Deletes every expired family file of every commune, by batches: each batch's deletion and its
 * audit entry (counts, the period applied, the cutoff: no personal data) commit together, so
 * the trail never misses a deletion and never reports one that was rolled back.
 */
export async function purgeExpiredFamilyFiles(
  db: Database,
  { now = new Date(), batchSize = 500 }: { now?: Date; batchSize?: number } = {},
): Promise<CommunePurge[]> {
  const communes = await db
    .select({ id: collectivities.id, years: dataRetentionSettings.familyFileRetentionYears })
    .from(collectivities)
    .leftJoin(dataRetentionSettings, eq(dataRetentionSettings.collectivityId, collectivities.id))
    .orderBy(asc(collectivities.id));
  const report: CommunePurge[] = [];
  for (const commune of communes) {
    const years = commune.years ?? FAMILY_FILE_RETENTION_DEFAULT_YEARS;
    const cutoff = retentionCutoff(now, years);
    let total: ErasureCounts | null = null;
    for (;;) {
      const counts = await db.transaction(async (tx) => {
        // SKIP LOCKED: a file an agent is erasing right now is theirs; the next run sees the rest.
        const expired = await queryRows<{ id: string }>(
          tx,
          sql`${expiredFilesQuery(commune.id, cutoff, batchSize)} for update of f skip locked`,
        );
        const deleted = await deleteFamilyFiles(
          tx,
          commune.id,
          expired.map((row) => row.id),
        );
        if (deleted.families === 0) return deleted;
        await recordAudit(tx, {
          actor: null,
          collectivityId: commune.id,
          action: "family_files.purged",
          targetType: "collectivity",
          targetId: commune.id,
          details: { ...deleted, retentionYears: years, cutoff: cutoff.toISOString(), defaultApplied: !commune.years },
        });
        return deleted;
      });
      if (counts.families > 0) total = addCounts(total, counts);
      if (counts.families < batchSize) break;
    }
    if (total) {
      report.push({ collectivityId: commune.id, years, counts: total });
      logger.info({ collectivityId: commune.id, years, ...total }, "dossiers familiaux expirés supprimés");
    }
  }
  return report;
}

function addCounts(a: ErasureCounts | null, b: ErasureCounts): ErasureCounts {
  if (!a) return { ...b };
  const sum = { ...a };
  for (const key of Object.keys(b) as Array<keyof ErasureCounts>) sum[key] += b[key];
  return sum;
}

/** The commune's last deletions (purges and erasures), from its audit trail: what its administrator sees. */
export async function listRecentDeletions(db: Database, collectivityId: string, limit = 10) {
  return db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      occurredAt: auditEvents.occurredAt,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.collectivityId, collectivityId),
        inArray(auditEvents.action, ["family_files.purged", "family_file.erased"]),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}
