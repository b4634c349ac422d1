import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";
import { families, QF_PROVIDERS } from "./family-files.ts";

/**
 * Yearly QF update campaigns: a campaign asks API Particulier again for the QF of a
 * commune's families (pivot identity route), one item per family, shared by every
 * worker process through SKIP LOCKED leases (app/portal/campaigns/).
 */

export const CAMPAIGN_SCOPES = ["all", "search", "selection"] as const;
export type CampaignScope = (typeof CAMPAIGN_SCOPES)[number];

export const CAMPAIGN_STATUSES = ["pending", "running", "paused", "stopped", "done"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_TRIGGERS = ["cron", "agent"] as const;
export type CampaignTrigger = (typeof CAMPAIGN_TRIGGERS)[number];

/** pending/in_progress are open; the others are final. */
export const CAMPAIGN_ITEM_STATUSES = [
  "pending",
  "in_progress",
  "updated",
  "unchanged",
  "not_found",
  "rejected",
  "failed",
] as const;
export type CampaignItemStatus = (typeof CAMPAIGN_ITEM_STATUSES)[number];
export const FINAL_ITEM_STATUSES = ["updated", "unchanged", "not_found", "rejected", "failed"] as const;
export type FinalItemStatus = (typeof FINAL_ITEM_STATUSES)[number];

export const qfCampaigns = pgTable(
  "qf_campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    /** The QF period asked of API Particulier. */
    annee: integer("annee").notNull(),
    mois: integer("mois").notNull(),
    scope: text("scope", { enum: CAMPAIGN_SCOPES }).notNull(),
    status: text("status", { enum: CAMPAIGN_STATUSES }).notNull().default("running"),
    trigger: text("trigger", { enum: CAMPAIGN_TRIGGERS }).notNull(),
    startedBy: uuid("started_by").references(() => agents.id, { onDelete: "set null" }),
    /** Set on an explicit retry pass: the campaign whose failures it calls again. */
    retryOf: uuid("retry_of").references((): AnyPgColumn => qfCampaigns.id, { onDelete: "set null" }),
    totalCount: integer("total_count").notNull().default(0),
    /** Items per final status, written when the campaign ends (live counts come from the items). */
    counts: jsonb("counts").$type<Partial<Record<CampaignItemStatus, number>>>(),
    /** Machine code (token_unauthorized, token_missing, agent) ; the UI shows a French label. */
    stopReason: text("stop_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * No open item is due before this time (a lower bound: lowered whenever an item's next attempt
     * moves earlier, recomputed by each claim, raised while the token is paused). The claim only
     * looks at running campaigns due now, and an idle worker's "next due" reads the minimum (ADR 028).
     */
    dueAt: timestamp("due_at", { withTimezone: true }).notNull().defaultNow(),
    /** When a claim last looked at this campaign: claims serve the least recently served first (round-robin). */
    lastServedAt: timestamp("last_served_at", { withTimezone: true }),
  },
  (table) => [
    index("qf_campaigns_round_robin_idx")
      .on(table.lastServedAt.asc().nullsFirst())
      .where(sql`${table.status} = 'running'`),
    index("qf_campaigns_due_idx")
      .on(table.dueAt)
      .where(sql`${table.status} = 'running'`),
    index("qf_campaigns_collectivity_idx").on(table.collectivityId, table.createdAt.desc().nullsFirst()),
    index("qf_campaigns_status_idx").on(table.status),
    // The yearly run of a commune happens once per year, whichever instance creates it.
    uniqueIndex("qf_campaigns_yearly_idx")
      .on(table.collectivityId, table.annee)
      .where(sql`${table.trigger} = 'cron'`),
    check("qf_campaigns_mois_range", sql`${table.mois} between 1 and 12`),
  ],
);

export type QfCampaign = typeof qfCampaigns.$inferSelect;

/**
 * One family of a campaign. `in_progress` means a call may have reached API Particulier:
 * it is set just before the call and replaced by the result right after it.
 */
export const qfCampaignItems = pgTable(
  "qf_campaign_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => qfCampaigns.id, { onDelete: "cascade" }),
    familyId: uuid("family_id")
      .notNull()
      .references(() => families.id, { onDelete: "cascade" }),
    status: text("status", { enum: CAMPAIGN_ITEM_STATUSES }).notNull().default("pending"),
    /** Requests sent for this item (429s included). */
    attempts: integer("attempts").notNull().default(0),
    /** 502/503/504/timeouts met so far (bounded, then "failed"). */
    transientFailures: integer("transient_failures").notNull().default(0),
    /** 429s met so far (bounded, then "failed"). */
    rateLimitedCount: integer("rate_limited_count").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    leasedBy: text("leased_by"),
    /** Personal: the family's QF before and after the campaign. */
    oldValue: integer("old_value"),
    newValue: integer("new_value"),
    provider: text("provider", { enum: QF_PROVIDERS }),
    /** Last error (HTTP status or API code, no personal data). */
    errorCode: text("error_code"),
    lastCallAt: timestamp("last_call_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("qf_campaign_items_campaign_family_idx").on(table.campaignId, table.familyId),
    // A campaign's items per status (progress, reports).
    index("qf_campaign_items_claim_idx").on(table.campaignId, table.status, table.nextAttemptAt),
    // Claiming: only what is still open, by when it is due, per campaign (ADR 028). Finished items
    // (most of the table by the end of January) are not in it.
    index("qf_campaign_items_due_idx")
      .on(table.campaignId, table.nextAttemptAt)
      .where(sql`${table.status} in ('pending', 'in_progress')`),
    index("qf_campaign_items_family_idx").on(table.familyId),
    // The platform dashboard's campaign calls over the period (items never called are not in it).
    index("qf_campaign_items_last_call_idx")
      .on(table.lastCallAt)
      .where(sql`${table.lastCallAt} is not null`),
  ],
);

export type QfCampaignItem = typeof qfCampaignItems.$inferSelect;

/**
 * The API Particulier token pacer's shared state, one row per token (SHA-256, never the token):
 * every process paces its calls with the token through this row (app/integrations/api-particulier/
 * token-pacer.server.ts, ADR 014).
 */
export const apiParticulierRateLimits = pgTable("api_particulier_rate_limits", {
  tokenHash: varchar("token_hash", { length: 64 }).primaryKey(),
  /** The next evenly spaced slot handed to a caller. */
  nextSlotAt: timestamp("next_slot_at", { withTimezone: true }).notNull().defaultNow(),
  /** Numbers the logged sends. */
  sendSeq: bigint("send_seq", { mode: "number" }).notNull().default(0),
  /**
   * The sends that may still count in a sliding second or are unanswered:
   * `[{n, at, by, done}]`, epoch ms on the database clock (`by`: latest possible arrival).
   */
  sends: jsonb("sends")
    .notNull()
    .default(sql`'[]'::jsonb`),
  /** Set from Retry-After on a 429: nobody sends with this token before then. */
  pausedUntil: timestamp("paused_until", { withTimezone: true }),
  /** 429s received with this token (each one a defect of the pacer): the platform dashboard counts them. */
  rateLimitedTotal: integer("rate_limited_total").notNull().default(0),
  lastRateLimitedAt: timestamp("last_rate_limited_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Something a commune's administrator must act on (shown in the portal until acknowledged). */
export const qfCampaignAlerts = pgTable(
  "qf_campaign_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    campaignId: uuid("campaign_id").references(() => qfCampaigns.id, { onDelete: "cascade" }),
    /** token_unauthorized (401/403: expired, blacklisted or lacking the scope), token_missing. */
    kind: text("kind").notNull(),
    httpStatus: smallint("http_status"),
    errorCode: text("error_code"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by").references(() => agents.id, { onDelete: "set null" }),
  },
  (table) => [
    index("qf_campaign_alerts_collectivity_idx").on(table.collectivityId, table.createdAt.desc().nullsFirst()),
  ],
);

export type QfCampaignAlert = typeof qfCampaignAlerts.$inferSelect;

/** The day of the yearly campaign a commune chose; no row = first working day of January. */
export const qfCampaignSchedules = pgTable(
  "qf_campaign_schedules",
  {
    collectivityId: uuid("collectivity_id")
      .primaryKey()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    day: smallint("day").notNull(),
    month: smallint("month").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check("qf_campaign_schedules_month_range", sql`${table.month} between 1 and 12`),
    check("qf_campaign_schedules_day_range", sql`${table.day} between 1 and 28`),
  ],
);
