import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { WEBHOOK_ALL_EVENT_TYPES, type WebhookEventType } from "../../app/webhooks/event-types.ts";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

/**
 * Outgoing webhooks: the communes' own systems subscribe to portal events (not to be confused
 * with webhook-deliveries.ts, the INCOMING DataPass webhook). Events are written to an outbox in
 * the transaction of the change they describe, fanned out to one delivery per subscribed
 * endpoint, and delivered by the worker (app/webhooks/delivery.server.ts).
 */

// The event types live in a drizzle-free module that the portal's forms can ship to the browser;
// re-exported here for the server code that reads them with the tables.
export {
  WEBHOOK_ALL_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  type AnyWebhookEventType,
  type WebhookEventType,
} from "../../app/webhooks/event-types.ts";

export const WEBHOOK_ENDPOINT_STATUSES = ["active", "disabled"] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

/** pending = attempts left (or a replay queued); delivered and failed are final. */
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    /** Chosen by the application before the insert: it is part of the secrets' AAD. */
    id: uuid("id").primaryKey(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    events: jsonb("events").$type<WebhookEventType[]>().notNull(),
    /** AES-256-GCM (ENCRYPTION_KEY), AAD `webhook-endpoint:<id>:secret`. Shown once, never again. */
    secretEncrypted: text("secret_encrypted").notNull(),
    /** The secret before the last rotation, still signing deliveries until previousSecretExpiresAt. */
    previousSecretEncrypted: text("previous_secret_encrypted"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    secretRotatedAt: timestamp("secret_rotated_at", { withTimezone: true }),
    status: text("status", { enum: WEBHOOK_ENDPOINT_STATUSES }).notNull().default("active"),
    /** Machine code (consecutive_failures, failing_too_long, admin); the UI shows a French notice. */
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Deliveries that ended "failed" in a row; reset by any success. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** First failed attempt since the last success; null while the endpoint answers. */
    failingSince: timestamp("failing_since", { withTimezone: true }),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => agents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("webhook_endpoints_collectivity_idx").on(table.collectivityId, table.createdAt)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

/**
 * One row per event. `body` is the exact JSON sent (and signed): retries and replays send the
 * same bytes. Personal data (QF values, pivot identity): purged with its deliveries once they
 * are all final and older than the retention period (see purgeWebhookEvents).
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    /** Also the payload's `id` and the X-Webhook-Id header: receivers deduplicate on it. */
    id: uuid("id").primaryKey(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    type: text("type", { enum: WEBHOOK_ALL_EVENT_TYPES }).notNull(),
    /** Personal: the payload, serialised once. */
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("webhook_events_created_idx").on(table.createdAt)],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;

/** One event to one endpoint. A replay is a new row (replayOf), so the log keeps both. */
export const webhookEventDeliveries = pgTable(
  "webhook_event_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    eventId: uuid("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** Denormalised so every query of the portal is scoped by commune without a join. */
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Lease of the worker sending it (FOR UPDATE SKIP LOCKED claim). */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    /** HTTP status of the last answer; null when there was none (timeout, refused address…). */
    lastResponseStatus: integer("last_response_status"),
    /** French, for administrators: never the response body (it is the receiver's data). */
    lastError: text("last_error"),
    durationMs: integer("duration_ms"),
    replayOf: uuid("replay_of"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // The log of one endpoint, most recent first.
    index("webhook_event_deliveries_endpoint_idx").on(table.endpointId, table.createdAt.desc().nullsFirst()),
    index("webhook_event_deliveries_event_idx").on(table.eventId),
    // The worker's claim: pending deliveries due now.
    index("webhook_event_deliveries_due_idx")
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    check("webhook_event_deliveries_attempts_positive", sql`${table.attempts} >= 0`),
  ],
);

export type WebhookEventDelivery = typeof webhookEventDeliveries.$inferSelect;
