import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { collectivities } from "./collectivities.ts";

/** Counts of one inbox run (no personal data), as logged and shown to agents. */
export interface InboxRunCounts {
  cases: number;
  alreadyStored: number;
  errors: number;
  events: number;
  failed: number;
  ignoredForeign: number;
}

/**
 * One row per commune whose HubEE inbox the portal reads. `locked_until` is a lease: the
 * scheduled job and an agent's "Relever maintenant" never read the same queue at once
 * (which would be harmless thanks to the unique case id, but wasteful and noisy in HubEE).
 * The last run's outcome is kept for the portal ("dernier relevé").
 *
 * `next_poll_at` and `poll_interval_seconds` make the scheduled sweep adaptive (ADR 032): an
 * inbox where something arrived is read again a minute later, a quiet one less and less often,
 * never less than every 15 minutes.
 */
export const hubeeInboxPolls = pgTable(
  "hubee_inbox_polls",
  {
    collectivityId: uuid("collectivity_id")
      .primaryKey()
      .references(() => collectivities.id),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastStartedAt: timestamp("last_started_at", { withTimezone: true }),
    lastFinishedAt: timestamp("last_finished_at", { withTimezone: true }),
    lastCounts: jsonb("last_counts").$type<InboxRunCounts>(),
    /** Technical French message of the last failure (never personal data); null after a success. */
    lastError: text("last_error"),
    /** When the scheduled sweep reads this inbox next. */
    nextPollAt: timestamp("next_poll_at", { withTimezone: true }).notNull().defaultNow(),
    /** The interval that set `next_poll_at`: the next quiet run doubles it (ADR 032). */
    pollIntervalSeconds: integer("poll_interval_seconds").notNull().default(60),
  },
  (t) => [index("hubee_inbox_polls_due_idx").on(t.nextPollAt)],
);

export type HubeeInboxPoll = typeof hubeeInboxPolls.$inferSelect;
