import { openDatabase, type Database, type DatabaseHandle } from "../db/client.ts";
import { getConfig } from "./config.server.ts";

/**
 * One database handle per process. It lives on globalThis because server.ts and
 * the Remix server bundle each load their own copy of this module.
 */
const globalKey = "__portailQfDatabase" as const;
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<DatabaseHandle> };

export function initDatabase(): Promise<DatabaseHandle> {
  const store = globalThis as GlobalWithDb;
  if (!store[globalKey]) {
    const config = getConfig();
    store[globalKey] = openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
    // A failed open must not be cached: the next attempt retries.
    store[globalKey].catch(() => delete store[globalKey]);
  }
  return store[globalKey];
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
