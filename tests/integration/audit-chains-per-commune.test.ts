import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { queryRows } from "../../db/client.ts";
import { auditChainHead, auditEvents } from "../../db/schema/index.ts";
import { recordAudit, verifyAuditChain } from "../../app/audit/audit.server.ts";
import { auditDigest, GENESIS_DIGEST } from "../../app/audit/audit-digest.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * One hash chain per commune and one for the platform (ADR 029): a commune's appends never wait
 * for another commune's, and the verification names the chain that was tampered with.
 */

const A = "0a0a0a0a-1f2a-4b3c-8d9e-0a1b2c3d4e5f";
const B = "0b0b0b0b-1f2a-4b3c-8d9e-0a1b2c3d4e5f";
const AGENT = "6c1d8e5f-2a3b-4c4d-9e0f-1b2c3d4e5f60";

const append = (db: DatabaseHandle["db"], collectivityId: string | null, i: number) =>
  recordAudit(db, {
    actor: collectivityId === null ? null : AGENT,
    collectivityId,
    action: "family_file.viewed",
    targetType: "family_file",
    targetId: `f-${i}`,
    details: { i },
  });

describe("one audit chain per commune", () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("continues the former global chain, then names the commune whose chain was tampered with", async () => {
    // A journal written before ADR 029: one global chain and its head row.
    let prev = GENESIS_DIGEST;
    for (let id = 1; id <= 3; id++) {
      const entry = {
        id,
        occurredAt: new Date(Date.UTC(2026, 0, id)),
        actorAgentId: null,
        collectivityId: id === 2 ? B : A,
        action: "inbox.polled",
        targetType: null,
        targetId: null,
        requestId: null,
        details: {},
      };
      const digest = auditDigest(prev, entry);
      await handle.db.insert(auditEvents).values({ ...entry, prevDigest: prev, digest });
      prev = digest;
    }
    await handle.db.insert(auditChainHead).values({ id: 1, lastId: 3, lastDigest: prev });
    await handle.db.execute(sql`select setval(pg_get_serial_sequence('audit_events', 'id'), 3)`);

    for (let i = 0; i < 4; i++) {
      await append(handle.db, A, i);
      await append(handle.db, B, i);
    }
    await append(handle.db, null, 0);
    const intact = await verifyAuditChain(handle.db, { batchSize: 2 });
    expect(intact).toMatchObject({ ok: true, count: 12 });
    if (!intact.ok) return;
    expect(intact.chains.map((c) => [c.collectivityId, c.count])).toEqual(
      expect.arrayContaining([
        [A, 4],
        [B, 4],
        [null, 1],
      ]),
    );
    // Each new chain starts from the former chain's last digest, which pins the past into every one.
    const firsts = await queryRows<{ prev_digest: string }>(
      handle.db,
      sql`select distinct on (collectivity_id) prev_digest from audit_events where id > 3 order by collectivity_id, id`,
    );
    expect(firsts.map((row) => row.prev_digest)).toEqual([prev, prev, prev]);

    // Tampering with one of B's entries: the report names B, and A's chain alone is still intact.
    const [victim] = await queryRows<{ id: string }>(
      handle.db,
      sql`select id::text as id from audit_events e where e.collectivity_id = ${B}::uuid and e.id > 3 order by e.id offset 1 limit 1`,
    );
    await handle.db.execute(sql`update audit_events set target_id = 'autre' where id = ${victim!.id}::bigint`);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: false, chain: B, brokenId: Number(victim!.id) });
    expect(await verifyAuditChain(handle.db, { collectivityId: A })).toMatchObject({ ok: true, count: 4 });
    await handle.db.execute(sql`update audit_events set target_id = 'f-1' where id = ${victim!.id}::bigint`);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });

    // The former global chain is still checked: an edit there is reported as such.
    await handle.db.execute(sql`update audit_events set action = 'autre' where id = 2`);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: false, chain: "legacy", brokenId: 2 });
    await handle.db.execute(sql`update audit_events set action = 'inbox.polled' where id = 2`);

    // The platform's last entry removed: its head no longer matches (and stays broken: that is the point).
    await handle.db.execute(
      sql`delete from audit_events where id = (select max(id) from audit_events where collectivity_id is null)`,
    );
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: false, chain: null });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "appends in two communes do not wait for each other; two in one commune do",
    async () => {
      // A's chain is locked by a transaction left open (an audited change that has not committed yet).
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let lockedA!: () => void;
      const aLocked = new Promise<void>((resolve) => (lockedA = resolve));
      const openTransaction = handle.db.transaction(async (tx) => {
        await append(tx, A, 100);
        lockedA();
        await held;
      });
      await aLocked;

      // B appends and commits while A's chain is locked: it never waited for A's lock. Were the
      // chains one, this would block until `release()`, which only comes after it.
      const inB = append(handle.db, B, 100);
      const timeout = new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 20_000).unref());
      expect(await Promise.race([inB.then(() => "done"), timeout])).toBe("done");

      // A second append in A waits on A's head row: seen in pg_locks, not guessed from timings.
      const inA = append(handle.db, A, 101);
      let waiting: Array<{ relation: string }> = [];
      for (let tries = 0; tries < 200 && waiting.length === 0; tries++) {
        waiting = await queryRows<{ relation: string }>(
          handle.db,
          sql`select l.locktype as relation from pg_locks l join pg_stat_activity a on a.pid = l.pid
              where not l.granted and a.datname = current_database()`,
        );
        if (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(waiting.length).toBeGreaterThan(0);
      release();
      await openTransaction;
      await inA;
      expect(await verifyAuditChain(handle.db, { collectivityId: A })).toMatchObject({ ok: true, count: 6 });
      expect(await verifyAuditChain(handle.db, { collectivityId: B })).toMatchObject({ ok: true, count: 5 });
    },
  );
});
