import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

export const JOIN_REQUEST_STATUSES = ["pending", "accepted", "refused"] as const;
export type JoinRequestStatus = (typeof JOIN_REQUEST_STATUSES)[number];

/**
 * Someone asking to join a commune's space, whom its administrators accept or refuse: an agent
 * without access whose ProConnect `siret` claim points at the commune (the claim only pre-fills the
 * request), or the applicant of a DataPass approval for a commune that already has an
 * administrator, known then by e-mail only (`source` "datapass", no agent yet).
 */
export const joinRequests = pgTable(
  "join_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "cascade" }),
    /** For a request without an agent (DataPass): the address the acceptance invites. */
    email: text("email"),
    source: text("source", { enum: ["proconnect", "datapass"] })
      .notNull()
      .default("proconnect"),
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
    // A retried DataPass approval asks once.
    uniqueIndex("join_requests_pending_email_unique")
      .on(table.email, table.collectivityId)
      .where(sql`${table.status} = 'pending' and ${table.agentId} is null`),
    check("join_requests_who", sql`${table.agentId} is not null or ${table.email} is not null`),
  ],
);

export type JoinRequest = typeof joinRequests.$inferSelect;
