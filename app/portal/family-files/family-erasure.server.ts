import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Database, DbExecutor } from "../../../db/client.ts";
import {
  caseAttachments,
  familyAnnotations,
  families,
  familyStatusChanges,
  familyStatusCounts,
  qfCampaignItems,
  qfHistory,
  receivedCases,
  webhookEvents,
} from "../../../db/schema/index.ts";
import { recordAudit } from "../../audit/audit.server";
import { removeFromEndedCampaignCounts } from "../campaigns/campaign-counts.server";
import { countCommuneExportFiles, invalidateCommuneExports } from "../exports/exports.server";

/**
 * Deleting family files for good: on an administrator's request (right to erasure) and when
 * the retention period has passed (purge job). Everything personal about a family goes with
 * it; what remains is the audit trail's ids and counts.
 *
 * Where a family's data lives, and how it goes:
 * - families (identity, QF, members, address): deleted here;
 * - qf_history, family_annotations, family_status_changes, qf_campaign_items: ON DELETE CASCADE
 *   from families; the items are first taken off their ended campaigns' stored counts, which
 *   the inbox notice reads (removeFromEndedCampaignCounts);
 * - received_cases (HubEE applicant, commune file number): no cascade from families (a case is
 *   the ingestion's idempotency key), so deleted explicitly first; case_attachments (the files)
 *   and family_status_changes cascade from it;
 * - webhook_events whose payload names the family (dossier_id): deleted explicitly, with their
 *   deliveries (cascade). Not linked by a foreign key: the payload is a serialised document.
 * - export files (exports, export_chunks): not tied to a family, so every file of the commune
 *   built before the deletion is deleted with it (invalidateCommuneExports), and an identical
 *   export asked for afterwards is built again from the data as it is then.
 */

export interface ErasureCounts {
  families: number;
  qfHistory: number;
  cases: number;
  attachments: number;
  statusChanges: number;
  annotations: number;
  campaignItems: number;
  webhookEvents: number;
  /** The commune's export files (any family's) deleted with it. */
  exportFiles: number;
}

const EMPTY: ErasureCounts = {
  families: 0,
  qfHistory: 0,
  cases: 0,
  attachments: 0,
  statusChanges: 0,
  annotations: 0,
  campaignItems: 0,
  webhookEvents: 0,
  exportFiles: 0,
};

/** Webhook events of the commune whose payload is about one of these families. */
const webhookEventsOf = (collectivityId: string, familyIds: string[]) =>
  and(
    eq(webhookEvents.collectivityId, collectivityId),
    sql`(${webhookEvents.body}::jsonb -> 'data' ->> 'dossier_id') in (${sql.join(
      familyIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );

/** What deleting these files removes, row counts per kind (the confirmation page, the audit entry). */
export async function countFamilyData(
  db: DbExecutor,
  collectivityId: string,
  familyIds: string[],
): Promise<ErasureCounts> {
  if (familyIds.length === 0) return { ...EMPTY };
  const total = async (query: Promise<Array<{ n: number }>>) => Number((await query)[0]?.n ?? 0);
  const cases = and(eq(receivedCases.collectivityId, collectivityId), inArray(receivedCases.familyId, familyIds));
  // Sequential on purpose: inside a transaction, one connection answers one query at a time.
  return {
    families: await total(
      db
        .select({ n: count() })
        .from(families)
        .where(and(eq(families.collectivityId, collectivityId), inArray(families.id, familyIds))),
    ),
    qfHistory: await total(db.select({ n: count() }).from(qfHistory).where(inArray(qfHistory.familyId, familyIds))),
    cases: await total(db.select({ n: count() }).from(receivedCases).where(cases)),
    attachments: await total(
      db
        .select({ n: count() })
        .from(caseAttachments)
        .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
        .where(cases),
    ),
    statusChanges: await total(
      db.select({ n: count() }).from(familyStatusChanges).where(inArray(familyStatusChanges.familyId, familyIds)),
    ),
    annotations: await total(
      db.select({ n: count() }).from(familyAnnotations).where(inArray(familyAnnotations.familyId, familyIds)),
    ),
    campaignItems: await total(
      db.select({ n: count() }).from(qfCampaignItems).where(inArray(qfCampaignItems.familyId, familyIds)),
    ),
    webhookEvents: await total(
      db.select({ n: count() }).from(webhookEvents).where(webhookEventsOf(collectivityId, familyIds)),
    ),
    exportFiles: await countCommuneExportFiles(db, collectivityId),
  };
}

/**
 * Deletes the commune's files among `familyIds` and everything hanging off them. Run it inside
 * the caller's transaction, with the audit entry, so the deletion and its trace commit together.
 * Ids of another commune are left alone (every statement is scoped by the commune).
 */
export async function deleteFamilyFiles(
  tx: DbExecutor,
  collectivityId: string,
  familyIds: string[],
): Promise<ErasureCounts> {
  if (familyIds.length === 0) return { ...EMPTY };
  // Lock the files first: an ingestion adding a case to one of them waits, then finds it gone
  // and creates a new file (a new transmission is a new consent), instead of failing on the FK.
  const locked = await tx
    .select({ id: families.id, status: families.status })
    .from(families)
    .where(and(eq(families.collectivityId, collectivityId), inArray(families.id, familyIds)))
    .for("update");
  const ids = locked.map((row) => row.id);
  if (ids.length === 0) return { ...EMPTY };
  // The families' deletion takes each file off its tab counter (the trigger of migration 0018), row
  // by row in no set order. Files of several statuses would lock their counter rows in that order,
  // while a file moved by an agent at the same moment locks its two in key order: a deadlock.
  // Taking the counter rows first, in key order, leaves nothing to wait for once the deletion runs.
  await tx
    .select({ status: familyStatusCounts.status })
    .from(familyStatusCounts)
    .where(
      and(
        eq(familyStatusCounts.collectivityId, collectivityId),
        inArray(familyStatusCounts.status, [...new Set(locked.map((row) => row.status))]),
      ),
    )
    .orderBy(familyStatusCounts.status)
    .for("update");
  const counts = await countFamilyData(tx, collectivityId, ids);
  await tx.delete(webhookEvents).where(webhookEventsOf(collectivityId, ids));
  await tx
    .delete(receivedCases)
    .where(and(eq(receivedCases.collectivityId, collectivityId), inArray(receivedCases.familyId, ids)));
  await removeFromEndedCampaignCounts(tx, collectivityId, ids);
  const deleted = await tx
    .delete(families)
    .where(and(eq(families.collectivityId, collectivityId), inArray(families.id, ids)))
    .returning({ id: families.id });
  // An export built before could be served again with the deleted families in it.
  const exportFiles = await invalidateCommuneExports(tx, collectivityId);
  return { ...counts, families: deleted.length, exportFiles };
}

/**
 * Right to erasure: one file, at an administrator's request. The audit entry keeps the file's
 * id (a random uuid, meaningless once the file is gone) and the counts; null when the file is
 * not the commune's (already deleted, or another commune's).
 */
export async function eraseFamilyFile(
  db: Database,
  input: { collectivityId: string; familyId: string; actor: string; requestId?: string | null },
): Promise<ErasureCounts | null> {
  return db.transaction(async (tx) => {
    const counts = await deleteFamilyFiles(tx, input.collectivityId, [input.familyId]);
    if (counts.families === 0) return null;
    await recordAudit(tx, {
      actor: input.actor,
      collectivityId: input.collectivityId,
      action: "family_file.erased",
      targetType: "family",
      targetId: input.familyId,
      requestId: input.requestId ?? null,
      details: { ...counts },
    });
    return counts;
  });
}

/** The file as its confirmation page names it, and what goes with it; null when not the commune's. */
export async function loadErasurePreview(db: Database, collectivityId: string, familyId: string) {
  const [family] = await db
    .select({
      id: families.id,
      familyName: families.familyName,
      givenNames: families.givenNames,
      receivedAt: families.receivedAt,
    })
    .from(families)
    .where(and(eq(families.id, familyId), eq(families.collectivityId, collectivityId)));
  if (!family) return null;
  return { family, counts: await countFamilyData(db, collectivityId, [family.id]) };
}
