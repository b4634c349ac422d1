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
 * canonical content chained with the previous entry's digest in its commune's
 * chain (the platform's entries in their own, ADR 029), so an edited or
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
    // The platform dashboard's manual QF lookups over the period, without a probe per commune.
    index("audit_events_lookups_idx")
      .on(table.occurredAt)
      .where(sql`${table.action} = 'qf_lookup.performed'`),
  ],
);

/**
 * The former single chain's head (before ADR 029): frozen. Its entries (ids up to
 * `last_id`) stay verified as one chain, and every per-commune chain starts from its
 * last digest, which pins that past into each of them. New code never writes it.
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

/** The platform's own entries (collectivity_id null) chain under this key. */
export const PLATFORM_AUDIT_CHAIN = "platform";

/**
 * One hash chain per commune, and one for the platform (ADR 029): the row holding each
 * chain's last digest. Appending locks the chain's row only (FOR UPDATE), so communes never
 * wait for each other, and it reveals a truncated tail, which the rows alone could not.
 */
export const auditChainHeads = pgTable("audit_chain_heads", {
  /** The commune's id, or PLATFORM_AUDIT_CHAIN. */
  chain: varchar("chain", { length: 36 }).primaryKey(),
  lastId: bigint("last_id", { mode: "number" }),
  lastDigest: varchar("last_digest", { length: 64 }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
