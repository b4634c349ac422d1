import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

/**
 * A commune's own credentials and public details, set by its administrator.
 * Secrets are AES-256-GCM tokens (ENCRYPTION_KEY) bound to the commune and the
 * column, and are never sent back to a browser: only when they were set.
 */
export const collectivitySettings = pgTable("collectivity_settings", {
  collectivityId: uuid("collectivity_id")
    .primaryKey()
    .references(() => collectivities.id, { onDelete: "cascade" }),
  /** HubEE SI credentials of the commune (receiving side, démarche FormulaireQF). */
  hubeeSiClientId: text("hubee_si_client_id"),
  hubeeSiSecretEncrypted: text("hubee_si_secret_encrypted"),
  hubeeSiUpdatedAt: timestamp("hubee_si_updated_at", { withTimezone: true }),
  /** The commune's API Particulier token (its QF habilitation). */
  apiParticulierTokenEncrypted: text("api_particulier_token_encrypted"),
  apiParticulierTokenUpdatedAt: timestamp("api_particulier_token_updated_at", { withTimezone: true }),
  /** Public page details shown to citizens. */
  contactEmail: text("contact_email"),
  contactPhone: text("contact_phone"),
  website: text("website"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => agents.id, { onDelete: "set null" }),
});

export type CollectivitySettings = typeof collectivitySettings.$inferSelect;
