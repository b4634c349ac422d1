import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * The audit trail: append-only, written only through recordAudit
 * (app/audit/audit.server.ts). Each entry's digest is the SHA-256 of its
 * canonical content chained with the previous entry's digest, so an edited or
 * deleted row breaks the chain (scripts/check-audit-chain.ts). No foreign keys:
 * the trail must outlive what it talks about. No personal data in `details`.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    actorAgentId: uuid("actor_agent_id"),
    collectivityId: uuid("collectivity_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    requestId: text("request_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    prevDigest: varchar("prev_digest", { length: 64 }).notNull(),
    digest: varchar("digest", { length: 64 }).notNull().unique(),
  },
  (table) => [
    index("audit_events_collectivity_idx").on(table.collectivityId, table.id),
    index("audit_events_collectivity_action_idx").on(table.collectivityId, table.action, table.id),
    // The journal's date filters and the dashboards' counts over a period.
    index("audit_events_collectivity_time_idx").on(table.collectivityId, table.occurredAt),
    // The journal filtered on one family file ("Historique des accès"), newest first.
    index("audit_events_collectivity_target_idx").on(table.collectivityId, table.targetId, table.id),
  ],
);

/**
 * The single row holding the chain's last digest. Appending locks it (FOR
 * UPDATE), which serialises appends across connections and processes, and it
 * reveals a truncated tail, which the rows alone could not.
 */
export const auditChainHead = pgTable(
  "audit_chain_head",
  {
    id: smallint("id").primaryKey(),
    lastId: bigint("last_id", { mode: "number" }),
    lastDigest: varchar("last_digest", { length: 64 }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check("audit_chain_head_single_row", sql`${table.id} = 1`)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
