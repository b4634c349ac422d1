import { eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "../../db/client.ts";
import { mailOutbox } from "../../db/schema/index.ts";
import { logger } from "~/utils/logger.server";
import { messageIdFor } from "./message-id.server";
import { classifySmtpError, type MailTransport } from "./transport.server";

/**
 * Sends the mail outbox (worker job "deliver-mails"). Any number of workers share it: a claim
 * takes due mails with FOR UPDATE SKIP LOCKED and records the attempt (status "sending") in its
 * own committed statement BEFORE the SMTP call. A worker that dies after the relay accepted a
 * mail but before writing "sent" leaves it "sending": once its lease is over it becomes
 * "maybe_sent" and is never sent again (ADR 024). 4xx answers and network faults are retried
 * with exponential backoff; a 5xx answer is final.
 */

export interface MailDeliveryDeps {
  db: Database;
  transport: MailTransport;
  from: string;
  /** Mails per minute across every worker (MAIL_RATE_PER_MINUTE). */
  ratePerMinute: number;
  now?: () => Date;
  random?: () => number;
  leaseMs?: number;
}

export const MAIL_MAX_ATTEMPTS = 10;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 2 * 3_600_000;
/** Longer than an SMTP exchange can last (timeouts of transport.server.ts). */
const DEFAULT_LEASE_MS = 2 * 60_000;

/** Delay before attempt `attempt + 1`: exponential, capped, with equal jitter. */
export function mailRetryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

type ClaimedMail = {
  id: string;
  idempotency_key: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  attempts: number;
};

export type MailDeliveryOutcome = "sent" | "retry_scheduled" | "failed";

/** Attempts whose worker died before recording the outcome: maybe sent, never sent again. */
export async function settleAbandonedAttempts(db: Database, now: Date): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update mail_outbox set status = 'maybe_sent', locked_until = null,
               last_error = 'envoi interrompu : peut-être envoyé'
        where status = 'sending' and locked_until < ${now.toISOString()}::timestamptz
        returning id`,
  );
  if (rows.length > 0) logger.warn({ count: rows.length }, "courriels peut-être envoyés (envoi interrompu)");
  return rows.length;
}

/**
 * Claims due mails within the rate: the last minute's attempts (every worker's) are counted
 * against MAIL_RATE_PER_MINUTE. The attempt is recorded here, committed before any send.
 */
export async function claimDueMails(deps: MailDeliveryDeps, limit: number, now: Date): Promise<ClaimedMail[]> {
  const leaseUntil = new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS));
  const minuteAgo = new Date(now.getTime() - 60_000);
  return queryRows<ClaimedMail>(
    deps.db,
    sql`with budget as (
          select greatest(0, ${deps.ratePerMinute}::int - count(*)::int) as n from mail_outbox
          where last_attempt_at > ${minuteAgo.toISOString()}::timestamptz),
        picked as (
          select id from mail_outbox
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by next_attempt_at
          limit least(${limit}::int, (select n from budget))
          for update skip locked)
        update mail_outbox m
        set status = 'sending', attempts = m.attempts + 1,
            last_attempt_at = ${now.toISOString()}::timestamptz,
            locked_until = ${leaseUntil.toISOString()}::timestamptz
        from picked where m.id = picked.id
        returning m.id, m.idempotency_key, m.recipient, m.subject, m.html, m.text, m.headers, m.attempts`,
  );
}

/** Sends one claimed mail and records the outcome. Never throws for the relay's faults. */
export async function sendClaimedMail(deps: MailDeliveryDeps, mail: ClaimedMail): Promise<MailDeliveryOutcome> {
  const now = deps.now ?? (() => new Date());
  try {
    await deps.transport.send({
      from: deps.from,
      to: mail.recipient,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: mail.headers,
      messageId: messageIdFor(mail.idempotency_key, deps.from),
    });
  } catch (error) {
    const { permanent, reason } = classifySmtpError(error);
    const final = permanent || mail.attempts >= MAIL_MAX_ATTEMPTS;
    const at = now();
    await deps.db
      .update(mailOutbox)
      .set(
        final
          ? { status: "failed", failedAt: at, lockedUntil: null, lastError: reason }
          : {
              status: "pending",
              lockedUntil: null,
              lastError: reason,
              nextAttemptAt: new Date(at.getTime() + Math.max(1, mailRetryDelay(mail.attempts, deps.random))),
            },
      )
      .where(eq(mailOutbox.id, mail.id));
    logger.warn({ mailId: mail.id, attempts: mail.attempts, reason, final }, "courriel non envoyé");
    return final ? "failed" : "retry_scheduled";
  }
  await deps.db
    .update(mailOutbox)
    .set({ status: "sent", sentAt: now(), lockedUntil: null, lastError: null })
    .where(eq(mailOutbox.id, mail.id));
  return "sent";
}

/** Sends what is due, one mail at a time, within the rate; returns counts for the logs. */
export async function deliverDueMails(
  deps: MailDeliveryDeps,
  batchSize = 20,
): Promise<Record<MailDeliveryOutcome | "maybe_sent", number>> {
  const now = deps.now ?? (() => new Date());
  const counts = { sent: 0, retry_scheduled: 0, failed: 0, maybe_sent: 0 };
  const runStartedAt = now();
  counts.maybe_sent = await settleAbandonedAttempts(deps.db, runStartedAt);
  for (;;) {
    // Mails retried during this run wait for the next one (their next_attempt_at is later).
    const batch = await claimDueMails(deps, batchSize, runStartedAt);
    if (batch.length === 0) return counts;
    for (const mail of batch) counts[await sendClaimedMail(deps, mail)]++;
  }
}

/** What the platform dashboard shows: counts only, never an address. */
export async function mailOutboxCounts(db: Database): Promise<{ pending: number; failed: number; maybeSent: number }> {
  const [row] = await queryRows<{ pending: number; failed: number; maybe_sent: number }>(
    db,
    sql`select count(*) filter (where status in ('pending', 'sending'))::int as pending,
               count(*) filter (where status = 'failed')::int as failed,
               count(*) filter (where status = 'maybe_sent')::int as maybe_sent
        from mail_outbox`,
  );
  return { pending: row?.pending ?? 0, failed: row?.failed ?? 0, maybeSent: row?.maybe_sent ?? 0 };
}
