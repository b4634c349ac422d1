import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { collectivities } from "./collectivities.ts";

/** What the platform did with an authenticated delivery. */
export const WEBHOOK_DELIVERY_OUTCOMES = [
  /** Being processed: only ever seen inside the transaction that handles it. */
  "received",
  "created",
  "activated",
  "updated",
  /** Created or kept inactive: the payload did not say which commune (see ADR 005). */
  "pending_completion",
  /** A new delivery of an approval already processed for the same DataPass model_id. */
  "already_processed",
  "ignored",
] as const;
export type WebhookDeliveryOutcome = (typeof WEBHOOK_DELIVERY_OUTCOMES)[number];

/**
 * One row per authenticated webhook delivery (DataPass onboarding). The HMAC of
 * the raw body is unique, so a replayed delivery is refused; the model id makes
 * a second approval of the same DataPass request a no-op. No personal data: the
 * applicant's e-mail only goes into the invitation.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Sender, for when another system signs its deliveries the same way. */
    source: text("source", { enum: ["datapass"] }).notNull(),
    /** Hex HMAC-SHA256 of the raw body: identifies the delivery byte for byte. */
    signature: varchar("signature", { length: 64 }).notNull().unique(),
    event: text("event").notNull(),
    modelType: text("model_type").notNull(),
    modelId: text("model_id").notNull(),
    firedAt: timestamp("fired_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    outcome: text("outcome", { enum: WEBHOOK_DELIVERY_OUTCOMES }).notNull().default("received"),
    collectivityId: uuid("collectivity_id").references(() => collectivities.id, { onDelete: "set null" }),
  },
  (table) => [
    index("webhook_deliveries_model_idx").on(table.source, table.modelType, table.modelId, table.event),
    check("webhook_deliveries_signature_format", sql`${table.signature} ~ '^[0-9a-f]{64}$'`),
  ],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
