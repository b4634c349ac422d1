import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

export const JOIN_REQUEST_STATUSES = ["pending", "accepted", "refused"] as const;
export type JoinRequestStatus = (typeof JOIN_REQUEST_STATUSES)[number];

/**
 * An agent without access asking to join the commune their `siret` claim
 * points at. The claim only pre-fills the request: the commune's administrator decides.
 */
export const joinRequests = pgTable(
  "join_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    status: text("status", { enum: JOIN_REQUEST_STATUSES }).notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: uuid("decided_by").references(() => agents.id, { onDelete: "set null" }),
  },
  (table) => [
    uniqueIndex("join_requests_pending_unique")
      .on(table.agentId, table.collectivityId)
      .where(sql`${table.status} = 'pending'`),
    index("join_requests_collectivity_status_idx").on(table.collectivityId, table.status),
  ],
);

export type JoinRequest = typeof joinRequests.$inferSelect;
