import { index, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";

/**
 * Server-side agent sessions: the browser holds only a random id, the table
 * only its SHA-256, so a leaked table gives no usable cookie. A session ends
 * when idle too long, at its absolute expiry, or when revoked.
 */
export const agentSessions = pgTable(
  "agent_sessions",
  {
    /** SHA-256 (hex) of the 32 random bytes kept in the cookie. */
    idHash: varchar("id_hash", { length: 64 }).primaryKey(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** ProConnect id_token for the logout's id_token_hint, encrypted (it carries the agent's identity). */
    idTokenEncrypted: text("id_token_encrypted"),
  },
  (table) => [index("agent_sessions_agent_idx").on(table.agentId)],
);

export type AgentSession = typeof agentSessions.$inferSelect;
