import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { collectivities } from "./collectivities.ts";

/**
 * Origins of `redirect_uri`s the commune's deep link carried but that it had not registered, so
 * its integrator can see on the settings page why families got no way back. The origin only (a
 * return URL's path and query may name a family), counted, with the last time; a handful per
 * commune, the oldest pruned.
 */
export const refusedRedirectOrigins = pgTable(
  "refused_redirect_origins",
  {
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    origin: text("origin").notNull(),
    count: integer("count").notNull().default(1),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.collectivityId, table.origin] }),
    index("refused_redirect_origins_recent_idx").on(table.collectivityId, table.lastSeenAt.desc()),
  ],
);

export type RefusedRedirectOrigin = typeof refusedRedirectOrigins.$inferSelect;
