import { openDatabase, type Database, type DatabaseHandle } from "../db/client.ts";
import { assertNoPendingMigrations } from "../db/migration-status.ts";
import { getConfig, type Config } from "./config.server.ts";
import { logger } from "./utils/logger.server.ts";

/**
 * One database handle per process. It lives on globalThis because server.ts and
 * the Remix server bundle each load their own copy of this module.
 */
const globalKey = "__portailQfDatabase" as const;
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<DatabaseHandle> };

export function initDatabase(): Promise<DatabaseHandle> {
  const store = globalThis as GlobalWithDb;
  if (!store[globalKey]) {
    store[globalKey] = openMigrated(getConfig());
    // A failed open must not be cached: the next attempt retries.
    store[globalKey].catch(() => delete store[globalKey]);
  }
  return store[globalKey];
}

/**
 * Opens the database and migrates it, or with MIGRATE_ON_BOOT=0 (a release step ran
 * `npm run db:migrate`) only checks that nothing is pending: a process of a new version must not
 * serve a schema it does not know (PendingMigrationsError, told apart in describeDatabaseError).
 */
async function openMigrated(config: Config): Promise<DatabaseHandle> {
  const handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    migrate: false,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS === "on",
  });
  try {
    if (config.MIGRATE_ON_BOOT) {
      const report = await handle.migrate();
      // Only the instance that migrated says so: the others waited on the lock and found nothing.
      if (report.applied > 0) logger.info(report, "migrations appliquées");
    } else {
      await assertNoPendingMigrations(handle.db);
    }
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  return handle;
}

export async function getDatabase(): Promise<Database> {
  return (await initDatabase()).db;
}

export async function closeDatabase(): Promise<void> {
  const store = globalThis as GlobalWithDb;
  const pending = store[globalKey];
  delete store[globalKey];
  if (pending) await (await pending).close();
}

/** For tests: make the app use an already opened database. */
export function useDatabaseHandle(handle: DatabaseHandle): void {
  (globalThis as GlobalWithDb)[globalKey] = Promise.resolve(handle);
}
