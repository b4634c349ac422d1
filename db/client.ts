import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema/index.ts";

export { schema };

/** The query builder, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: "postgres" | "pglite";
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; absent → embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data folder; absent (with no URL) → in-memory PGlite, for tests. */
  pgliteDir?: string;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for postgres.js. */
  maxConnections?: number;
}

/**
 * Opens the database: postgres.js when a URL is given, PGlite otherwise. The
 * drivers are imported lazily so a PostgreSQL deployment never loads PGlite's WASM.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
    });
    const db = drizzle(client, { schema, casing: "snake_case" });
    const handle: DatabaseHandle = {
      db: db as unknown as Database,
      driver: "postgres",
      ping: () => pingWith(() => client`select 1`),
      close: () => client.end({ timeout: 2 }),
    };
    if (migrate) {
      const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
      await run(db, { migrationsFolder: MIGRATIONS_FOLDER });
    }
    return handle;
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (options.pgliteDir) await mkdir(path.resolve(options.pgliteDir), { recursive: true });
  const client = options.pgliteDir ? new PGlite(path.resolve(options.pgliteDir)) : new PGlite();
  await client.waitReady;
  const db = drizzle(client, { schema, casing: "snake_case" });
  if (migrate) {
    const { migrate: run } = await import("drizzle-orm/pglite/migrator");
    await run(db, { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return {
    db: db as unknown as Database,
    driver: "pglite",
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

/**
 * Runs raw SQL and returns its rows. postgres.js returns an array-like result,
 * PGlite an object with `rows`: this is the one place that knows.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
