import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/** A commune (or other local authority) that can receive QF transmissions. */
export const collectivities = pgTable(
  "collectivities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    siret: varchar("siret", { length: 14 }).notNull().unique(),
    /** INSEE COG commune code: 5 chars, "2A"/"2B" for Corsica. */
    codeCog: varchar("code_cog", { length: 5 }).notNull(),
    departement: varchar("departement", { length: 3 }).notNull(),
    status: text("status", { enum: ["active", "inactive"] })
      .notNull()
      .default("active"),
    /** Software editor integrating through HubEE; null when the commune uses our portal. */
    editor: text("editor"),
    /** Origins of the commune's own website accepted as redirect_uri of the citizen deep link. */
    redirectOrigins: text("redirect_origins")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * Whether HubEE lists an active FormulaireQF subscription for the commune's SIRET, as last read
     * from its subscription API; null until first read. "absent": HubEE would refuse its folders.
     */
    hubeeSubscription: text("hubee_subscription", { enum: ["active", "absent"] }),
    hubeeSubscriptionCheckedAt: timestamp("hubee_subscription_checked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("collectivities_code_cog_idx").on(table.codeCog),
    index("collectivities_status_departement_name_idx").on(table.status, table.departement, table.name),
    check("collectivities_siret_format", sql`${table.siret} ~ '^[0-9]{14}$'`),
    check("collectivities_code_cog_format", sql`${table.codeCog} ~ '^[0-9][0-9AB][0-9]{3}$'`),
  ],
);

export type Collectivity = typeof collectivities.$inferSelect;
export type NewCollectivity = typeof collectivities.$inferInsert;
