import { sql } from "drizzle-orm";
import { boolean, check, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";

/**
 * A public agent who signs in with ProConnect. The e-mail (lowercased) is the
 * invitation key; ProConnect's `sub` is per identity provider, so the pair
 * (idp_id, sub) is bound at the first login and checked on every later one.
 */
export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull().unique(),
    givenName: text("given_name").notNull(),
    usualName: text("usual_name").notNull(),
    /** Bound at the first ProConnect login; null for an agent seeded or invited who never signed in. */
    proconnectSub: text("proconnect_sub"),
    proconnectIdpId: text("proconnect_idp_id"),
    /** Last `siret` claim: only ever a hint for a join request, never a grant (ProConnect may substitute a default). */
    lastSiretClaim: varchar("last_siret_claim", { length: 14 }),
    lastOrganizationLabel: text("last_organization_label"),
    /** Manages communes (list, activate, deactivate); sees no family data unless also a member. */
    platformAdmin: boolean("platform_admin").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("agents_proconnect_identity_idx").on(table.proconnectIdpId, table.proconnectSub),
    check("agents_email_lowercase", sql`${table.email} = lower(${table.email})`),
  ],
);

export type Agent = typeof agents.$inferSelect;
export type NewAgent = typeof agents.$inferInsert;
