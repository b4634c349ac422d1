import { index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

export const MEMBERSHIP_ROLES = ["admin", "agent"] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** An agent's access to one commune: the only thing that grants it (never the siret claim). */
export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    role: text("role", { enum: MEMBERSHIP_ROLES }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique("memberships_agent_collectivity_unique").on(table.agentId, table.collectivityId),
    index("memberships_collectivity_idx").on(table.collectivityId),
  ],
);

export type Membership = typeof memberships.$inferSelect;
