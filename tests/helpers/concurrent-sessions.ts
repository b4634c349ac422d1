import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import { createScratchPostgresDatabase } from "./test-database.ts";

/**
 * For tests that need PostgreSQL sessions side by side (locks, deadlocks): a fresh database for
 * the file, the product's handle on it, and a raw client whose `reserve()` gives sessions the test
 * drives statement by statement. Call inside a `describe` skipped when TEST_DATABASE_URL is unset.
 */
export function useConcurrentSessions(): { handle: DatabaseHandle; client: postgres.Sql } {
  const state = {} as { handle: DatabaseHandle; client: postgres.Sql };
  let scratch: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchPostgresDatabase();
    state.handle = await openDatabase({ databaseUrl: scratch!.url, maxConnections: 2 });
    state.client = postgres(scratch!.url, { max: 4, onnotice: () => {} });
  });
  afterAll(async () => {
    await state.client?.end();
    await state.handle?.close();
    await scratch?.drop();
  });
  return state;
}

/**
 * Waits until a session of this database other than `exceptPid` waits for a lock (or `pid`, when
 * given, does), as seen from `observer`: the moment a test may make the next move.
 */
export async function waitForLockWait(
  observer: postgres.Sql,
  which: { pid: number } | { exceptPid: number },
  what: string,
): Promise<void> {
  for (let waited = 0; ; waited += 20) {
    const [row] = await observer<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'
        and ${"pid" in which ? observer`pid = ${which.pid}` : observer`pid <> ${which.exceptPid}`}`;
    if (row!.waiting > 0) return;
    if (waited > 10_000) throw new Error(`${what} never waited for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
