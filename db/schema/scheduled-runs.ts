import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per scheduled fire of a cron job across all worker instances: the
 * first instance to insert the key runs it, the others skip (run coordinator).
 */
export const scheduledRuns = pgTable("scheduled_runs", {
  key: text("key").primaryKey(),
  instanceId: text("instance_id").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});
