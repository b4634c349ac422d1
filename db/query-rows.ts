import type { SQL } from "drizzle-orm";
import type { DbExecutor } from "./client.ts";

/**
 * Runs raw SQL and returns its rows. postgres.js returns an array-like result,
 * PGlite an object with `rows`: this is the one place that knows.
 */
export async function queryRows<T extends Record<string, unknown>>(db: DbExecutor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
