import { readMigrationFiles } from "drizzle-orm/migrator";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchPostgresDatabase } from "../tests/helpers/test-database.ts";
import { openDatabase, queryRows, type DatabaseHandle } from "./client.ts";
import {
  assertNoPendingMigrations,
  countPendingMigrations,
  MIGRATIONS_FOLDER,
  PendingMigrationsError,
} from "./migration-status.ts";

/** What a process started with MIGRATE_ON_BOOT=0 checks, and what `handle.migrate()` reports; both drivers. */
describe("migration status", () => {
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  let handle: DatabaseHandle;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const scratch = await createScratchPostgresDatabase();
    drop = scratch?.drop;
    handle = await openDatabase(scratch ? { databaseUrl: scratch.url, migrate: false } : { migrate: false });
  });
  afterAll(async () => {
    await handle?.close();
    await drop?.();
  });

  it("counts every committed migration as pending on an empty database, and refuses it", async () => {
    expect(files.length).toBeGreaterThan(0);
    expect(await countPendingMigrations(handle.db)).toEqual({ pending: files.length, total: files.length });
    const error = await assertNoPendingMigrations(handle.db).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PendingMigrationsError);
    expect(error).toMatchObject({ pending: files.length, total: files.length });
  });

  it("applies them all once; a second run finds nothing to do", async () => {
    expect(await handle.migrate()).toEqual({ applied: files.length, total: files.length });
    expect(await handle.migrate()).toEqual({ applied: 0, total: files.length });
    await expect(assertNoPendingMigrations(handle.db)).resolves.toBeUndefined();
    const rows = await queryRows<{ hash: string }>(
      handle.db,
      sql`select hash from drizzle.__drizzle_migrations order by id`,
    );
    expect(rows.map((row) => row.hash)).toEqual(files.map((file) => file.hash));
  });

  it("counts only the migrations newer than the last one applied", async () => {
    // As after deploying a version with one more migration: forget the last one.
    const last = files[files.length - 1]!;
    await handle.db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = ${last.folderMillis}`);
    expect(await countPendingMigrations(handle.db)).toEqual({ pending: 1, total: files.length });
  });
});
