import crypto from "node:crypto";
import { and, asc, eq, gt, isNull, lte, sql, type SQL } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../db/client.ts";
import { auditChainHead, auditChainHeads, auditEvents, PLATFORM_AUDIT_CHAIN } from "../../db/schema/index.ts";
import { auditDigest, GENESIS_DIGEST } from "./audit-digest";

export { AUDIT_ACTION_LABELS } from "./audit-actions";

/**
 * The audit trail: who did what, on which commune, when, for which request.
 * Every write goes through recordAudit, which chains each entry to the previous
 * one of its commune's chain (see audit-digest.ts) under a lock on that chain's head row.
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

/** The chain an entry belongs to: its commune's, or the platform's. */
export const auditChainOf = (collectivityId: string | null) => collectivityId ?? PLATFORM_AUDIT_CHAIN;

/**
 * Appends one entry to its commune's chain (the platform's for collectivityId null), under a lock
 * on that chain's head row only: appends in different communes never wait for each other (ADR 029).
 * Pass the transaction of the change being audited when there is one, so both commit or neither
 * does (this then runs as a savepoint and holds the chain's lock until that transaction ends).
 */
export async function recordAudit(db: DbExecutor, input: AuditInput): Promise<{ id: number; digest: string }> {
  // Through JSON once: what we hash is exactly what jsonb stores and gives back (no undefined, no Date objects).
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  const actorAgentId = input.actor === null ? null : typeof input.actor === "string" ? input.actor : input.actor.id;
  const chainKey = auditChainOf(input.collectivityId);
  return db.transaction(async (chain) => {
    // A new chain starts from the frozen former global chain's last digest (GENESIS when there was none).
    await chain.execute(
      sql`insert into audit_chain_heads (chain, last_digest)
          values (${chainKey}, coalesce((select last_digest from audit_chain_head where id = 1), ${GENESIS_DIGEST}))
          on conflict (chain) do nothing`,
    );
    const [head] = await chain.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chainKey)).for("update");
    const prevDigest = head?.lastDigest ?? GENESIS_DIGEST;
    // The id is part of the hashed content, so take it from the sequence first (ids grow along each chain under its lock).
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
      .update(auditChainHeads)
      .set({ lastId: entry.id, lastDigest: digest, updatedAt: entry.occurredAt })
      .where(eq(auditChainHeads.chain, chainKey));
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

export interface ChainReport {
  /** The commune's id, or null for the platform's chain. */
  collectivityId: string | null;
  count: number;
  lastDigest: string;
}

export type AuditChainReport =
  | {
      ok: true;
      count: number;
      /** Every chain's head, for noting outside the database (pins the past). */
      chains: ChainReport[];
      /** SHA-256 over every chain's key and head: one value to note for the whole journal. */
      lastDigest: string;
    }
  | {
      ok: false;
      count: number;
      brokenId: number | null;
      reason: string;
      /** Which chain: a commune's id, null for the platform's, "legacy" for the former global chain. */
      chain: string | null;
    };

type Walk =
  | { ok: true; count: number; lastDigest: string; lastId: number }
  | { ok: false; count: number; brokenId: number; reason: string };

/** Walks entries in id order from `expectedPrev`, checking each link and each digest. */
async function walk(
  db: Database,
  where: (afterId: number) => SQL | undefined,
  expectedPrev: string,
  batchSize: number,
): Promise<Walk> {
  let lastId = 0;
  let count = 0;
  for (;;) {
    const rows = await db.select().from(auditEvents).where(where(lastId)).orderBy(asc(auditEvents.id)).limit(batchSize);
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
    if (rows.length < batchSize) return { ok: true, count, lastDigest: expectedPrev, lastId };
  }
}

const TAIL_CUT = "la tête de chaîne ne correspond pas à la dernière entrée (entrées finales supprimées)";

/**
 * Verifies the journal: the former global chain (entries up to its frozen head, if any), then each
 * commune's chain and the platform's, each from the former chain's last digest to its own head
 * (ADR 029). Reports the first entry whose content no longer matches its digest, or whose link to
 * the previous entry of its chain is broken (an entry removed or inserted before it), a tail cut
 * off (the head no longer matches), and names the chain. `collectivityId` checks one chain only.
 */
export async function verifyAuditChain(
  db: Database,
  { batchSize = 1000, collectivityId }: { batchSize?: number; collectivityId?: string | null } = {},
): Promise<AuditChainReport> {
  const [legacyHead] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  const legacyLastId = legacyHead?.lastId ?? 0;
  const legacyDigest = legacyHead?.lastDigest ?? GENESIS_DIGEST;
  let count = 0;
  if (collectivityId === undefined) {
    const legacy = await walk(
      db,
      (after) => and(gt(auditEvents.id, after), lte(auditEvents.id, legacyLastId)),
      GENESIS_DIGEST,
      batchSize,
    );
    count += legacy.count;
    if (!legacy.ok) return { ...legacy, count, chain: "legacy" };
    if (legacy.lastDigest !== legacyDigest || legacy.lastId !== legacyLastId) {
      return { ok: false, count, brokenId: legacyLastId || null, reason: TAIL_CUT, chain: "legacy" };
    }
  }
  const heads = new Map((await db.select().from(auditChainHeads)).map((head) => [head.chain, head]));
  // Every chain that has a head or an entry: an entry whose chain lost its head is reported too.
  let keys: string[];
  if (collectivityId === undefined) {
    const present = await queryRows<{ chain: string }>(
      db,
      sql`select distinct coalesce(collectivity_id::text, ${PLATFORM_AUDIT_CHAIN}) as chain
          from audit_events where id > ${legacyLastId}`,
    );
    keys = [...new Set([...heads.keys(), ...present.map((row) => row.chain)])].sort();
  } else {
    keys = [auditChainOf(collectivityId)];
  }
  const chains: ChainReport[] = [];
  for (const key of keys) {
    const commune = key === PLATFORM_AUDIT_CHAIN ? null : key;
    const ofChain = commune === null ? isNull(auditEvents.collectivityId) : eq(auditEvents.collectivityId, commune);
    const result = await walk(
      db,
      (after) => and(ofChain, gt(auditEvents.id, Math.max(after, legacyLastId))),
      legacyDigest,
      batchSize,
    );
    count += result.count;
    if (!result.ok) return { ...result, count, chain: commune };
    const head = heads.get(key);
    const headDigest = head?.lastDigest ?? legacyDigest;
    if (headDigest !== result.lastDigest || (head?.lastId ?? 0) !== result.lastId) {
      return { ok: false, count, brokenId: head?.lastId ?? null, reason: TAIL_CUT, chain: commune };
    }
    chains.push({ collectivityId: commune, count: result.count, lastDigest: result.lastDigest });
  }
  const lastDigest = crypto
    .createHash("sha256")
    .update([`legacy:${legacyDigest}`, ...keys.map((key, i) => `${key}:${chains[i]!.lastDigest}`)].join("\n"))
    .digest("hex");
  return { ok: true, count, chains, lastDigest };
}
