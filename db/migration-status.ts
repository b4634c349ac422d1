import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Database } from "./client.ts";
import { queryRows } from "./query-rows.ts";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

export interface MigrationReport {
  /** Migrations this call applied (0 when another instance had already done it). */
  applied: number;
  /** Committed migration files. */
  total: number;
}

/** The database lacks committed migrations and this process was told not to apply them. */
export class PendingMigrationsError extends Error {
  constructor(
    readonly pending: number,
    readonly total: number,
  ) {
    super(`${pending} migration(s) sur ${total} non appliquée(s)`);
  }
}

/**
 * Committed migrations the database has not run, decided as drizzle's migrator decides: every
 * file newer than the last row of `drizzle.__drizzle_migrations` (all of them without the table).
 */
export async function countPendingMigrations(db: Database): Promise<{ pending: number; total: number }> {
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const [table] = await queryRows<{ name: string | null }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as name`,
  );
  let lastApplied = -Infinity;
  if (table?.name) {
    const [last] = await queryRows<{ created_at: string | number }>(
      db,
      sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    if (last) lastApplied = Number(last.created_at);
  }
  const pending = files.filter((file) => file.folderMillis > lastApplied).length;
  return { pending, total: files.length };
}

/**
 * Runs drizzle's migrator (`runMigrator`, driver-specific) when something is pending. Callers
 * on PostgreSQL hold the migration lock around it, so the count is exact: it is what this
 * call applied.
 */
export async function applyPendingMigrations(db: Database, runMigrator: () => Promise<void>): Promise<MigrationReport> {
  const { pending, total } = await countPendingMigrations(db);
  if (pending > 0) await runMigrator();
  return { applied: pending, total };
}

/** For processes started with MIGRATE_ON_BOOT=0: refuse a database the release step did not migrate. */
export async function assertNoPendingMigrations(db: Database): Promise<void> {
  const { pending, total } = await countPendingMigrations(db);
  if (pending > 0) throw new PendingMigrationsError(pending, total);
}
