import { sql } from "drizzle-orm";
import { check, integer, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { collectivities } from "./collectivities.ts";

/**
 * A commune's tariff brackets (tranches de QF): contiguous ranges of QF values, in order.
 * The inbox, the family file, the exports and the campaign report show each family's
 * bracket; the ranges are validated by app/portal/settings/tariff-brackets.ts before they are saved.
 */
export const tariffBrackets = pgTable(
  "tariff_brackets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    /** 1-based order of the bracket, lowest QF first. */
    position: smallint("position").notNull(),
    /** Shown to agents and in exports, e.g. "Tranche A". */
    label: text("label").notNull(),
    /** Inclusive bounds; maxValue null = no upper bound (the last bracket). */
    minValue: integer("min_value").notNull(),
    maxValue: integer("max_value"),
  },
  (table) => [
    uniqueIndex("tariff_brackets_position_idx").on(table.collectivityId, table.position),
    check(
      "tariff_brackets_bounds",
      sql`${table.minValue} >= 0 and (${table.maxValue} is null or ${table.maxValue} >= ${table.minValue})`,
    ),
  ],
);

export type TariffBracketRow = typeof tariffBrackets.$inferSelect;
