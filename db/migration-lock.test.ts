import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createScratchPostgresDatabase } from "../tests/helpers/test-database.ts";
import { openDatabase, type DatabaseHandle } from "./client.ts";
import { MIGRATION_LOCK_KEY, withMigrationLock } from "./migration-lock.ts";
import { MIGRATIONS_FOLDER } from "./migration-status.ts";

/**
 * Several instances migrating one empty PostgreSQL database at the same moment. To make "at the
 * same moment" exact rather than likely, a gate holds drizzle's migrations table locked until
 * every migrator is blocked on a lock, then lets them all go together. PostgreSQL only: PGlite
 * is one process, nothing can race it.
 */
const enabled = Boolean(process.env.TEST_DATABASE_URL);
const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
const INSTANCES = 4;

describe.skipIf(!enabled)("migration lock (PostgreSQL)", () => {
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchPostgresDatabase>>>;
  let admin: postgres.Sql;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    scratch = (await createScratchPostgresDatabase())!;
    admin = postgres(scratch.url, { max: 2, onnotice: () => {} });
  });
  afterEach(async () => {
    for (const handle of opened.splice(0)) await handle.close();
    await admin.end();
    await scratch.drop();
  });

  async function waitingOnLocks(): Promise<number> {
    const [row] = await admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    return row!.n;
  }

  /** Starts the migrators and lets them reach drizzle's migrations table only all together. */
  async function releasedTogether<T>(start: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    // drizzle's own definition of its table, created ahead so that the gate can lock it.
    await admin`create schema drizzle`;
    await admin`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
    const gate = await admin.reserve();
    try {
      await gate`begin`;
      await gate`lock table drizzle.__drizzle_migrations in access exclusive mode`;
      const settled = Promise.allSettled(start());
      // Every migrator waits: on the gate, or (with the lock) on the one that holds the migration lock.
      for (let i = 0; (await waitingOnLocks()) < INSTANCES; i++) {
        if (i > 300) throw new Error("the migrators never all waited");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await gate`commit`;
      return await settled;
    } finally {
      gate.release();
    }
  }

  async function appliedHashes(): Promise<string[]> {
    const rows = await admin<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations order by id`;
    return rows.map((row) => row.hash);
  }

  it("without the lock the race is real: instances started together all migrate, and all but one fail", async () => {
    const clients = Array.from({ length: INSTANCES }, () => postgres(scratch.url, { max: 2, onnotice: () => {} }));
    opened.push(...clients.map((client) => ({ close: () => client.end() })));
    const results = await releasedTogether(() =>
      clients.map((client) => drizzleMigrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER })),
    );
    const failures = results.filter((result) => result.status === "rejected");
    // Each read "nothing applied yet" and ran the first migration; drizzle's transaction saves the
    // schema, but the losers' processes would have stopped at boot.
    expect(failures).toHaveLength(INSTANCES - 1);
    for (const failure of failures) {
      const cause = (failure.reason as { cause?: Error }).cause;
      expect(cause?.message).toMatch(/already exists|duplicate key value/);
    }
    expect(await appliedHashes()).toEqual(files.map((file) => file.hash));
  });

  it("with the lock, instances started together all succeed and each migration runs once", async () => {
    const handles = await Promise.all(
      Array.from({ length: INSTANCES }, () =>
        openDatabase({ databaseUrl: scratch.url, maxConnections: 2, migrate: false }),
      ),
    );
    opened.push(...handles);
    const results = await releasedTogether(() => handles.map((handle) => handle.migrate()));
    expect(results.map((result) => result.status)).toEqual(Array(INSTANCES).fill("fulfilled"));
    const applied = results.map((result) => (result as PromiseFulfilledResult<{ applied: number }>).value.applied);
    // One applied everything; the others waited on the lock, then found nothing to do.
    expect(applied.sort((a, b) => b - a)).toEqual([files.length, ...Array(INSTANCES - 1).fill(0)]);
    expect(await appliedHashes()).toEqual(files.map((file) => file.hash));
  });

  it("lets two openDatabase calls on an empty database both succeed", async () => {
    const handles: DatabaseHandle[] = await Promise.all([
      openDatabase({ databaseUrl: scratch.url, maxConnections: 2 }),
      openDatabase({ databaseUrl: scratch.url, maxConnections: 2 }),
    ]);
    opened.push(...handles);
    expect(await Promise.all(handles.map((handle) => handle.ping()))).toEqual([true, true]);
    expect(await appliedHashes()).toEqual(files.map((file) => file.hash));
  });

  it("holds a session lock an operator can see in pg_locks, and releases it even when migrating fails", async () => {
    const client = postgres(scratch.url, { max: 2, onnotice: () => {} });
    opened.push({ close: () => client.end() });
    // pg_locks splits the 64-bit key: classid is its high half, objid its low half (docs/deployment.md).
    // Advisory locks are per database: other test files' scratch databases hold the same key meanwhile.
    const high = Number(MIGRATION_LOCK_KEY >> 32n);
    const low = Number(MIGRATION_LOCK_KEY & 0xffffffffn);
    const held = () => admin<{ n: number }[]>`
      select count(*)::int as n from pg_locks
      where locktype = 'advisory' and classid = ${high} and objid = ${low} and objsubid = 1 and granted
        and database = (select oid from pg_database where datname = current_database())`;

    const failing = withMigrationLock(client, async () => {
      expect((await held())[0]!.n).toBe(1);
      throw new Error("migration cassée");
    });
    await expect(failing).rejects.toThrow("migration cassée");
    expect((await held())[0]!.n).toBe(0);
    // The reserved connection went back to the pool (of two): taking the lock again twice works.
    for (let i = 0; i < 2; i++) expect(await withMigrationLock(client, async () => i)).toBe(i);
  });
});
