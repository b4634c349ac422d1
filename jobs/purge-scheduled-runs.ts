import { lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { scheduledRuns } from "../db/schema/index.ts";

/** Coordinator rows only matter around their fire time; a week of history is enough for diagnosis. */
export const SCHEDULED_RUNS_RETENTION_DAYS = 7;

export async function purgeScheduledRuns(db: Database, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - SCHEDULED_RUNS_RETENTION_DAYS * 86_400_000);
  const deleted = await db
    .delete(scheduledRuns)
    .where(lt(scheduledRuns.startedAt, sql`${cutoff.toISOString()}::timestamptz`))
    .returning({ key: scheduledRuns.key });
  return deleted.length;
}
