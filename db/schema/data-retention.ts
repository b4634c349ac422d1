import { sql } from "drizzle-orm";
import { check, pgTable, smallint, timestamp, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

/**
 * A commune's retention choice for its family files, set by its administrator. No row means
 * the default (FAMILY_FILE_RETENTION_DEFAULT_YEARS in app/retention-periods.ts): the purge job
 * (jobs/purge-family-files.ts) reads it for every commune. The bounds repeat the form's, so no
 * other writer can store a period the personal data page does not announce.
 */
export const dataRetentionSettings = pgTable(
  "data_retention_settings",
  {
    collectivityId: uuid("collectivity_id")
      .primaryKey()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    /** A family file without any new QF for this many years is deleted. */
    familyFileRetentionYears: smallint("family_file_retention_years").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid("updated_by").references(() => agents.id, { onDelete: "set null" }),
  },
  (table) => [check("data_retention_settings_years_range", sql`${table.familyFileRetentionYears} between 1 and 6`)],
);

export type DataRetentionSettings = typeof dataRetentionSettings.$inferSelect;
