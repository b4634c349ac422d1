import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { withMigrationLock } from "./migration-lock.ts";
import { preparingStatements } from "./prepared-statements.ts";
import { applyPendingMigrations, MIGRATIONS_FOLDER, type MigrationReport } from "./migration-status.ts";
import * as schema from "./schema/index.ts";

export { schema };
export { MIGRATIONS_FOLDER, type MigrationReport };
export { queryRows } from "./query-rows.ts";

/** The query builder, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A transaction opened with `db.transaction(...)` on a Database. */
export type Transaction = PgTransaction<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;

/**
 * What a function that only runs queries takes: the database, or the caller's transaction so that its
 * writes commit or roll back with the caller's. A nested `transaction()` on a Transaction is a savepoint.
 */
export type DbExecutor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: "postgres" | "pglite";
  /** Applies the committed migrations not yet run (on PostgreSQL, under the migration lock). */
  migrate(): Promise<MigrationReport>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; absent → embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data folder; absent (with no URL) → in-memory PGlite, for tests. */
  pgliteDir?: string;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for postgres.js. */
  maxConnections?: number;
  /**
   * Named prepared statements on PostgreSQL (default true): one round trip per query instead of two
   * (`prepared-statements.ts`). Off behind a pooler in transaction mode that does not keep them.
   */
  preparedStatements?: boolean;
  /**
   * An in-memory PGlite starts from this data folder, as `dumpDataDir` wrote it: the tests' database
   * migrated once per run and copied for each test file, instead of migrated for each.
   */
  pgliteDataDump?: Blob;
}

/**
 * Opens the database: postgres.js when a URL is given, PGlite otherwise. The
 * drivers are imported lazily so a PostgreSQL deployment never loads PGlite's WASM.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const handle = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.maxConnections ?? 10, options.preparedStatements ?? true)
    : await openPglite(options.pgliteDir, options.pgliteDataDump);
  if (options.migrate ?? true) {
    try {
      await handle.migrate();
    } catch (error) {
      // The caller never gets the handle: close it, or its pool would keep the process alive.
      await handle.close().catch(() => {});
      throw error;
    }
  }
  return handle;
}

async function openPostgres(
  databaseUrl: string,
  maxConnections: number,
  preparedStatements: boolean,
): Promise<DatabaseHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(databaseUrl, {
    // Two at least: while migrating, the lock holds one connection and the migrator uses another.
    max: Math.max(2, maxConnections),
    onnotice: () => {},
    connect_timeout: 10,
    prepare: preparedStatements,
    // A prepared statement still gets a plan made for its values, as an unprepared one did: a plan
    // generic over the commune would serve a commune of 250,000 files with one costed for the average.
    ...(preparedStatements ? { connection: { plan_cache_mode: "force_custom_plan" } } : {}),
  });
  const db = drizzle(preparedStatements ? preparingStatements(client) : client, { schema, casing: "snake_case" });
  return {
    db,
    driver: "postgres",
    async migrate() {
      const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
      // Several instances may boot (or a release step run) at once on a new version: see migration-lock.ts.
      return withMigrationLock(client, () =>
        applyPendingMigrations(db, () => run(db, { migrationsFolder: MIGRATIONS_FOLDER })),
      );
    },
    ping: () => pingWith(() => client`select 1`),
    close: () => client.end({ timeout: 2 }),
  };
}

async function openPglite(pgliteDir: string | undefined, dataDump: Blob | undefined): Promise<DatabaseHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  // The name search index needs btree_gin (migration 0013, ADR 033); PGlite loads contrib
  // extensions only when they are handed to it.
  const { btree_gin } = await import("@electric-sql/pglite/contrib/btree_gin");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (pgliteDir) await mkdir(path.resolve(pgliteDir), { recursive: true });
  const options = { extensions: { btree_gin }, ...(dataDump ? { loadDataDir: dataDump } : {}) };
  const client = pgliteDir ? new PGlite(path.resolve(pgliteDir), options) : new PGlite(options);
  await client.waitReady;
  const db = drizzle(client, { schema, casing: "snake_case" });
  return {
    db,
    driver: "pglite",
    async migrate() {
      const { migrate: run } = await import("drizzle-orm/pglite/migrator");
      // No lock: PGlite runs inside this process, on one connection, and its data folder is opened
      // by one process at a time (RUN_WORKER=1 keeps the worker in the web process), so no other
      // migrator can reach this database meanwhile.
      return applyPendingMigrations(db, () => run(db, { migrationsFolder: MIGRATIONS_FOLDER }));
    },
    ping: () => pingWith(() => client.query("select 1")),
    close: () => client.close(),
  };
}

async function pingWith(query: () => Promise<unknown>): Promise<boolean> {
  try {
    await query();
    return true;
  } catch {
    return false;
  }
}
