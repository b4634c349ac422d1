import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Sliding-window counters shared by every process (app/http/shared-rate-limit.server.ts): one
 * row per limited key, holding the times of the requests accepted in its current window. Used
 * where a limit protects personal data (an agent's QF lookups), so N web processes must not
 * grant N times the limit and a restart must not reset it.
 */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    key: text("key").primaryKey(),
    hits: timestamp("hits", { withTimezone: true })
      .array()
      .notNull()
      .default(sql`'{}'::timestamptz[]`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The daily purge drops the keys nobody used for a day.
  (table) => [index("rate_limit_windows_updated_idx").on(table.updatedAt)],
);
