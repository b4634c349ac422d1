import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The platform dashboard's daily counters (issue 20, ADR 035): per Paris day, kept by triggers in
 * the transaction of every write to the counted rows (hand-written part of migration 0014), the way
 * family_status_counts is. The dashboard sums 30 days of them instead of reading the period's rows,
 * whose number grows with the platform (a national yearly campaign puts 3 million items in one
 * period). Never written by the application.
 *
 * `shard` (0–15, from the commune or campaign) spreads concurrent writers over several rows of a
 * day, so that campaign workers and deliveries of different communes do not queue on one row lock.
 * Days are Paris days, like the dashboard's buckets.
 */

/** Transmissions (shipments) per day of creation and current status. */
export const platformDailyShipments = pgTable(
  "platform_daily_shipments",
  {
    day: date("day").notNull(),
    shard: smallint("shard").notNull(),
    status: text("status").notNull(),
    shipments: integer("shipments").notNull().default(0),
    attempts: bigint("attempts", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.shard, table.status] })],
);

/** Each commune's most recent transmission: "communes that received one over the period". */
export const platformCommuneLastShipments = pgTable(
  "platform_commune_last_shipments",
  {
    collectivityId: uuid("collectivity_id").primaryKey(),
    lastCreatedAt: timestamp("last_created_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("platform_commune_last_shipments_created_idx").on(table.lastCreatedAt)],
);

/** HubEE cases per day of reception and current status (SI_INTG_ERROR: not integrated). */
export const platformDailyReceivedCases = pgTable(
  "platform_daily_received_cases",
  {
    day: date("day").notNull(),
    shard: smallint("shard").notNull(),
    hubeeStatus: text("hubee_status").notNull(),
    cases: integer("cases").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.shard, table.hubeeStatus] })],
);

/**
 * Campaign items per day of their last call (items never called are not counted), status and
 * error code ('' for none), with their counters: what the dashboard's API Particulier section sums.
 */
export const platformDailyCampaignCalls = pgTable(
  "platform_daily_campaign_calls",
  {
    day: date("day").notNull(),
    shard: smallint("shard").notNull(),
    status: text("status").notNull(),
    errorCode: text("error_code").notNull(),
    items: integer("items").notNull().default(0),
    /** Items with at least one attempt (a rejected item counts as an answer only then). */
    calledItems: integer("called_items").notNull().default(0),
    attempts: bigint("attempts", { mode: "number" }).notNull().default(0),
    rateLimited: bigint("rate_limited", { mode: "number" }).notNull().default(0),
    transientFailures: bigint("transient_failures", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.shard, table.status, table.errorCode] })],
);

/** Agents' manual QF lookups (qf_lookup.performed journal entries) per day, outcome and call. */
export const platformDailyLookups = pgTable(
  "platform_daily_lookups",
  {
    day: date("day").notNull(),
    shard: smallint("shard").notNull(),
    outcome: text("outcome").notNull(),
    called: boolean("called").notNull(),
    lookups: integer("lookups").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.shard, table.outcome, table.called] })],
);
