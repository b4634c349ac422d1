import { and, asc, eq, gt, sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../db/client.ts";
import { auditChainHead, auditEvents } from "../../db/schema/index.ts";
import { auditDigest, GENESIS_DIGEST } from "./audit-digest";

export { AUDIT_ACTION_LABELS } from "./audit-actions";

/**
 * The audit trail: who did what, on which commune, when, for which request.
 * Every write goes through recordAudit, which chains each entry to the previous
 * one (see audit-digest.ts) under a lock on the single audit_chain_head row.
 */

export interface AuditInput {
  /** The agent acting (their id), or null for the platform itself (worker, webhook). */
  actor: string | { id: string } | null;
  collectivityId: string | null;
  /** Dotted verb, e.g. "settings.updated", "family_file.viewed" (see AUDIT_ACTION_LABELS). */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** context.requestId of the request, to correlate with the logs. */
  requestId?: string | null;
  /** Ids, field names, counts, statuses: never names, e-mails, birth dates or secrets. */
  details?: Record<string, unknown>;
}

/**
 * Appends one entry. Pass the transaction of the change being audited when
 * there is one, so both commit or neither does (this then runs as a savepoint
 * and holds the chain lock until that transaction ends).
 */
export async function recordAudit(db: DbExecutor, input: AuditInput): Promise<{ id: number; digest: string }> {
  // Through JSON once: what we hash is exactly what jsonb stores and gives back (no undefined, no Date objects).
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  const actorAgentId = input.actor === null ? null : typeof input.actor === "string" ? input.actor : input.actor.id;
  return db.transaction(async (chain) => {
    await chain.insert(auditChainHead).values({ id: 1, lastDigest: GENESIS_DIGEST }).onConflictDoNothing();
    const [head] = await chain.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for("update");
    const prevDigest = head?.lastDigest ?? GENESIS_DIGEST;
    // The id is part of the hashed content, so take it from the sequence first (ids grow with the chain under the lock).
    const [next] = await queryRows<{ id: string }>(
      chain,
      sql`select nextval(pg_get_serial_sequence('audit_events', 'id'))::text as id`,
    );
    const entry = {
      id: Number(next!.id),
      occurredAt: new Date(),
      actorAgentId,
      collectivityId: input.collectivityId,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      requestId: input.requestId ?? null,
      details,
    };
    const digest = auditDigest(prevDigest, entry);
    await chain.insert(auditEvents).values({ ...entry, prevDigest, digest });
    await chain
      .update(auditChainHead)
      .set({ lastId: entry.id, lastDigest: digest, updatedAt: entry.occurredAt })
      .where(eq(auditChainHead.id, 1));
    return { id: entry.id, digest };
  });
}

/**
 * Appends an entry unless the same actor recorded the same action on the same target less than
 * `withinMs` ago. For consultations: the family file's loader runs again after each action on the
 * page (Remix revalidates), and an agent going back and forth through a file is one consultation
 * for whoever reads the journal (ADR 013). Each entry also takes the chain's lock, so the skipped
 * ones spare every other writer a wait. Two loaders racing may both append: that is the old
 * behaviour, not a loss.
 */
export async function recordAuditUnlessRecent(
  db: Database,
  input: AuditInput & { actor: string; targetId: string },
  withinMs: number,
  now = new Date(),
): Promise<{ id: number; digest: string } | null> {
  const since = new Date(now.getTime() - withinMs);
  // audit_events_collectivity_time_idx bounds the scan to the commune's last minutes.
  const [recent] = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(
        input.collectivityId === null
          ? sql`${auditEvents.collectivityId} is null`
          : eq(auditEvents.collectivityId, input.collectivityId),
        gt(auditEvents.occurredAt, since),
        eq(auditEvents.actorAgentId, input.actor),
        eq(auditEvents.action, input.action),
        eq(auditEvents.targetId, input.targetId),
      ),
    )
    .limit(1);
  if (recent) return null;
  return recordAudit(db, input);
}

export type AuditChainReport =
  | { ok: true; count: number; lastDigest: string }
  | { ok: false; count: number; brokenId: number | null; reason: string };

/**
 * Walks the whole chain in id order and reports the first entry whose content
 * no longer matches its digest, or whose link to the previous entry is broken
 * (an entry removed or inserted before it), and a tail that was cut off.
 */
export async function verifyAuditChain(db: Database, { batchSize = 1000 } = {}): Promise<AuditChainReport> {
  let expectedPrev = GENESIS_DIGEST;
  let lastId = 0;
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(batchSize);
    for (const row of rows) {
      count++;
      if (row.prevDigest !== expectedPrev) {
        return {
          ok: false,
          count,
          brokenId: row.id,
          reason: "lien rompu avec l'entrée précédente (entrée supprimée ou insérée)",
        };
      }
      if (auditDigest(row.prevDigest, row) !== row.digest) {
        return { ok: false, count, brokenId: row.id, reason: "contenu modifié (l'empreinte ne correspond plus)" };
      }
      expectedPrev = row.digest;
      lastId = row.id;
    }
    if (rows.length < batchSize) break;
  }
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  const headDigest = head?.lastDigest ?? GENESIS_DIGEST;
  if (headDigest !== expectedPrev || (head?.lastId ?? 0) !== lastId) {
    return {
      ok: false,
      count,
      brokenId: head?.lastId ?? null,
      reason: "la tête de chaîne ne correspond pas à la dernière entrée (entrées finales supprimées)",
    };
  }
  return { ok: true, count, lastDigest: expectedPrev };
}
