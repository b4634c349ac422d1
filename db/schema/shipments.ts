import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { collectivities } from "./collectivities.ts";

export const SHIPMENT_STATUSES = ["pending", "delivered", "failed"] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/**
 * A citizen's transmission to a commune, written before any call to HubEE
 * (durable outbox). The personal payload is encrypted with ENCRYPTION_KEY and
 * erased once delivered; HubEE ids are kept to follow the case, then purged.
 */
export const shipments = pgTable(
  "shipments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** 13 uppercase hex chars shown to the citizen; HubEE externalId is Formulaire-QF-<reference>. */
    reference: varchar("reference", { length: 13 }).notNull().unique(),
    /** One per review page: a double submit or a replayed POST returns the same shipment. */
    idempotencyKey: text("idempotency_key").notNull().unique(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id),
    status: text("status", { enum: SHIPMENT_STATUSES }).notNull().default("pending"),
    /** AES-256-GCM of the ShipmentData JSON; null once delivered or purged. */
    payloadEncrypted: text("payload_encrypted"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Lease of the process delivering it, so two workers never deliver the same shipment at once. */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    /** Technical error of the last attempt (never personal data). */
    lastError: text("last_error"),
    /**
     * The stable code of last_error (hubee_http_403, hubee_injoignable…), derived by the database
     * when the message is written (migration 0015's shipment_error_code): the platform dashboard
     * groups delivery problems by it without classifying every message on each page view.
     */
    errorCode: text("error_code").generatedAlwaysAs(sql`shipment_error_code(last_error)`),
    hubeeFolderId: text("hubee_folder_id"),
    hubeeCaseId: text("hubee_case_id"),
    /** Last case status reported by the commune through HubEE (SI_RECEIVED, IN_PROGRESS, DONE, REFUSED…). */
    hubeeCaseStatus: text("hubee_case_status"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    /** When the commune reported DONE or REFUSED and the case was closed. */
    finalStatusAt: timestamp("final_status_at", { withTimezone: true }),
    payloadPurgedAt: timestamp("payload_purged_at", { withTimezone: true }),
    hubeeIdsPurgedAt: timestamp("hubee_ids_purged_at", { withTimezone: true }),
  },
  (table) => [
    // The worker's "due" scan: pending shipments by next attempt.
    index("shipments_due_idx")
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    index("shipments_hubee_case_idx").on(table.hubeeCaseId),
    index("shipments_collectivity_created_idx").on(table.collectivityId, table.createdAt),
    // The platform dashboard's period (issue 20): transmissions per day and the communes that
    // transmitted, read from the period's shipments only, not from every commune's history.
    index("shipments_created_idx").on(table.createdAt, table.collectivityId),
    // Delivery problems (given up, or retrying after a failure): only those rows, whatever the outbox's
    // size. Every column the dashboard's counts by commune and error code read is in the key (drizzle
    // has no INCLUDE), so they are an index-only scan of the problems alone (issue 20).
    index("shipments_problems_idx")
      .on(
        table.collectivityId,
        table.errorCode,
        table.status,
        table.attempts,
        table.nextAttemptAt,
        table.failedAt,
        table.createdAt,
      )
      .where(sql`${table.status} = 'failed' or (${table.status} = 'pending' and ${table.lastError} is not null)`),
    check("shipments_reference_format", sql`${table.reference} ~ '^[0-9A-F]{13}$'`),
  ],
);

export type Shipment = typeof shipments.$inferSelect;
