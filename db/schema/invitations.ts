import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";
import { MEMBERSHIP_ROLES } from "./memberships.ts";

/**
 * An invitation of an e-mail address to a commune. ProConnect vouches for the
 * agent's e-mail, so the first login with that address accepts it: no token
 * travels by mail.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    /** Lowercased. */
    email: text("email").notNull(),
    role: text("role", { enum: MEMBERSHIP_ROLES }).notNull(),
    /** Null when the platform invited the commune's first administrator (DataPass onboarding). */
    invitedBy: uuid("invited_by").references(() => agents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => agents.id, { onDelete: "set null" }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  },
  (table) => [
    // One open invitation per address and commune: inviting again updates it.
    uniqueIndex("invitations_open_unique")
      .on(table.collectivityId, table.email)
      .where(sql`${table.acceptedAt} is null and ${table.cancelledAt} is null`),
    index("invitations_email_idx").on(table.email),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
