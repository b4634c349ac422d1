import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

/** What the portal mails (ADR 024). */
export const MAIL_KINDS = [
  "invitation",
  "join_request",
  "join_request_outcome",
  "campaign_ended",
  "api_particulier_refused",
  "hubee_credentials_refused",
  "webhook_disabled",
  "export_finished",
  "daily_digest",
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * pending: to send (now or at next_attempt_at); sending: an attempt is recorded and under way;
 * sent: the relay accepted it; maybe_sent: an attempt was under way when its worker died, so the
 * relay may have accepted it: never sent again (the receiver de-duplicates on Message-ID);
 * failed: refused for good (5xx) or too many attempts.
 */
export const MAIL_STATUSES = ["pending", "sending", "sent", "maybe_sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/**
 * The durable outbox of e-mails, written in the transaction of the change that causes each one,
 * rendered there (subject, HTML and text are what goes out). Recipients are agents, never
 * families, and no body holds a family's data (a test scans them).
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** One message per cause: enqueueing the same key again is a no-op. Also gives the Message-ID. */
    idempotencyKey: text("idempotency_key").notNull().unique(),
    kind: text("kind", { enum: MAIL_KINDS }).notNull(),
    collectivityId: uuid("collectivity_id").references(() => collectivities.id, { onDelete: "cascade" }),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    /** Extra headers (List-Unsubscribe…). */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    status: text("status", { enum: MAIL_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Until when the worker that recorded the attempt may still finish it; past it, "maybe_sent". */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    /** The relay's answer code or the network error's name: never an address. */
    lastError: text("last_error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("mail_outbox_due_idx")
      .on(table.nextAttemptAt)
      .where(sql`${table.status} in ('pending', 'sending')`),
    index("mail_outbox_status_idx").on(table.status, table.createdAt),
    index("mail_outbox_last_attempt_idx")
      .on(table.lastAttemptAt)
      .where(sql`${table.lastAttemptAt} is not null`),
    check("mail_outbox_attempts_positive", sql`${table.attempts} >= 0`),
  ],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;

/** The optional mails an agent can turn off; those needed for access are always sent. */
export const OPTIONAL_MAIL_KINDS = [
  "daily_digest",
  "campaign_ended",
  "integration_incident",
  "webhook_disabled",
  "export_finished",
] as const;
export type OptionalMailKind = (typeof OPTIONAL_MAIL_KINDS)[number];

/** An agent's choice for one optional mail; no row = the default (mail-preferences.server.ts). */
export const agentMailPreferences = pgTable(
  "agent_mail_preferences",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: OPTIONAL_MAIL_KINDS }).notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.agentId, table.kind] })],
);
