import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

/**
 * A commune's priced service (« Restauration scolaire », per meal). Its prices live in versions;
 * the unit and the per-child flag belong to the service because every version prices the same thing.
 */
export const tariffServices = pgTable(
  "tariff_services",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** repas, heure, journee, demi_journee, mois (app/domain/pricing/rules.ts). */
    unit: text("unit").notNull(),
    /** Priced per child: a sibling reduction may apply. */
    perChild: boolean("per_child").notNull().default(false),
    /** Units a family uses in a year (the administrator's estimate), for the revenue impact of a draft. */
    expectedUnitsPerYear: integer("expected_units_per_year"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("tariff_services_name_idx").on(table.collectivityId, table.name),
    check("tariff_services_unit", sql`${table.unit} in ('repas', 'heure', 'journee', 'demi_journee', 'mois')`),
  ],
);

/**
 * One version of a service's price rule. Drafts are edited and simulated; a published version is
 * frozen and applies from `valid_from` until the next published one starts (so two published
 * versions of a service never share a start date). `rule` is checked by
 * app/domain/pricing/rule-schema.ts on the way in and out.
 */
export const tariffVersions = pgTable(
  "tariff_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => tariffServices.id, { onDelete: "cascade" }),
    /** Denormalised from the service: every query is scoped by commune first. */
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    status: text("status").$type<"draft" | "published">().notNull().default("draft"),
    /** The start date planned (draft) or voted (published). */
    validFrom: date("valid_from", { mode: "string" }).notNull(),
    rule: jsonb("rule").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    publishedBy: uuid("published_by").references(() => agents.id, { onDelete: "set null" }),
  },
  (table) => [
    index("tariff_versions_service_idx").on(table.serviceId, table.validFrom),
    index("tariff_versions_collectivity_idx").on(table.collectivityId),
    uniqueIndex("tariff_versions_published_start_idx")
      .on(table.serviceId, table.validFrom)
      .where(sql`${table.status} = 'published'`),
    check("tariff_versions_status", sql`${table.status} in ('draft', 'published')`),
  ],
);

export type TariffServiceRow = typeof tariffServices.$inferSelect;
export type TariffVersionRow = typeof tariffVersions.$inferSelect;
