import { eq, sql } from "drizzle-orm";
import type { RunCoordinator } from "node-cron";
import type { Database } from "../db/client.ts";
import { scheduledRuns } from "../db/schema/index.ts";

/**
 * node-cron run coordinator backed by PostgreSQL: every worker instance keeps
 * its schedules, and the first one to insert a fire's key runs it. The key
 * includes the fire time, so each scheduled run happens once across instances.
 */
export function createRunCoordinator(db: Database, instanceId: string): RunCoordinator {
  return {
    async shouldRun(key: string) {
      const inserted = await db
        .insert(scheduledRuns)
        .values({ key, instanceId })
        .onConflictDoNothing({ target: scheduledRuns.key })
        .returning({ key: scheduledRuns.key });
      return inserted.length === 1;
    },
    async onComplete(key: string) {
      await db
        .update(scheduledRuns)
        .set({ finishedAt: sql`now()` })
        .where(eq(scheduledRuns.key, key));
    },
  };
}
