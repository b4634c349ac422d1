import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { recordAudit, verifyAuditChain } from "../../app/audit/audit.server.ts";
import { ROOT } from "../helpers/app-process.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const COMMUNE = "5b0c7d4e-1f2a-4b3c-8d9e-0a1b2c3d4e5f";
const AGENT = "6c1d8e5f-2a3b-4c4d-9e0f-1b2c3d4e5f60";

async function appendSome(db: DatabaseHandle["db"], count: number, label = "x") {
  for (let i = 0; i < count; i++) {
    await recordAudit(db, {
      actor: AGENT,
      collectivityId: COMMUNE,
      action: "family_file.viewed",
      targetType: "family_file",
      targetId: `${label}-${i}`,
      requestId: `req-${label}-${i}`,
      details: { tab: "a_traiter", nested: { z: 1, a: [1, "deux", null] } },
    });
  }
}

/** The trail's hash chain: intact, then tampered with in each way the checker must see. */
describe("audit chain", () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("verifies an empty chain and a written one", async () => {
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: 0, chains: [] });
    await appendSome(handle.db, 5);
    const report = await verifyAuditChain(handle.db, { batchSize: 2 });
    expect(report).toMatchObject({ ok: true, count: 5, chains: [{ collectivityId: COMMUNE, count: 5 }] });
  });

  it("keeps a valid chain under concurrent appends", async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        recordAudit(handle.db, {
          actor: null,
          collectivityId: COMMUNE,
          action: "inbox.polled",
          requestId: `concurrent-${i}`,
          details: { i },
        }),
      ),
    );
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: 45 });
  });

  it("rolls back with the audited change (one transaction)", async () => {
    await handle.db
      .transaction(async (tx) => {
        await recordAudit(tx, {
          actor: AGENT,
          collectivityId: COMMUNE,
          action: "settings.updated",
        });
        throw new Error("the change failed");
      })
      .catch(() => {});
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, count: 45 });
  });

  it("reports the first edited entry", async () => {
    const [target] = await handle.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .orderBy(auditEvents.id)
      .offset(2)
      .limit(1);
    await handle.db.execute(
      sql`update audit_events set details = jsonb_set(details, '{tab}', '"traites"') where id = ${target!.id}`,
    );
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: false, brokenId: target!.id, chain: COMMUNE });
    await handle.db.execute(
      sql`update audit_events set details = jsonb_set(details, '{tab}', '"a_traiter"') where id = ${target!.id}`,
    );
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  });

  it("reports a deleted entry at the one after it", async () => {
    const rows = await handle.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(auditEvents.id);
    const victim = rows[10]!.id;
    const next = rows[11]!.id;
    await handle.db.execute(sql`delete from audit_events where id = ${victim}`);
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: false, brokenId: next });
  });

  it("reports a removed last entry through the chain head", async () => {
    const fresh = await createTestDatabase();
    try {
      await appendSome(fresh.db, 3);
      await fresh.db.execute(sql`delete from audit_events where id = (select max(id) from audit_events)`);
      const report = await verifyAuditChain(fresh.db);
      expect(report.ok).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it("has a command that prints the first broken id and exits 1", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "portail-qf-audit-"));
    try {
      const db = await openDatabase({ pgliteDir: dir });
      await appendSome(db.db, 4, "cli");
      const run = async () => {
        const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/check-audit-chain.ts"], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, NODE_ENV: "development", LOG_LEVEL: "silent", PGLITE_DIR: dir },
        });
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        const [code] = (await once(child, "exit")) as [number];
        return { code, stdout };
      };
      await db.close();
      const intact = await run();
      expect(intact.code).toBe(0);
      expect(intact.stdout).toMatch(/intègre : 4 entrées/);

      const reopened = await openDatabase({ pgliteDir: dir, migrate: false });
      await reopened.db.execute(sql`update audit_events set target_id = 'autre' where id = 2`);
      await reopened.close();
      const broken = await run();
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/rompu à l'entrée n° 2 /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
