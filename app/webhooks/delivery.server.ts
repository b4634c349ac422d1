import { and, eq, lt, sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../db/client.ts";
import { webhookEndpoints, webhookEventDeliveries, webhookEvents } from "../../db/schema/index.ts";
import { recordAudit } from "~/audit/audit.server";
import { logger } from "~/utils/logger.server";
import type { Resolver } from "./address-guard.server";
import { endpointSecrets } from "./endpoint-secrets.server";
import { sendWebhook, type SendResult } from "./http-sender.server";
import { webhookHeaders } from "./signature.server";
import { mailWebhookDisabled } from "./webhook-mails.server";
import { DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT, DISABLE_AFTER_FAILING_DAYS } from "./thresholds";

/**
 * Delivers the outbox of outgoing webhooks (worker job "deliver-webhooks"). Any number of
 * workers share it: a claim takes due deliveries with FOR UPDATE SKIP LOCKED and leases them.
 * A failed attempt is retried with exponential backoff and jitter, 12 attempts over about a
 * day; an endpoint that keeps failing is disabled, and its administrator told.
 */

export interface WebhookDeliveryDeps {
  db: Database;
  encryptionKey: Buffer;
  /** Demo and tests: private and loopback addresses and http:// allowed. Never in production. */
  allowPrivate: boolean;
  now?: () => Date;
  random?: () => number;
  timeoutMs?: number;
  resolver?: Resolver;
  leaseMs?: number;
}

/** Attempts in total; with the delays below the last one is 12 to 25 hours after the first. */
export const WEBHOOK_MAX_ATTEMPTS = 12;
const BASE_DELAY_MS = 60_000;
const MAX_DELAY_MS = 8 * 3_600_000;
/** Deliveries ending "failed" in a row that disable the endpoint. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT;
/** An endpoint failing every attempt for this long is disabled, however few deliveries it had. */
export const DISABLE_AFTER_FAILING_MS = DISABLE_AFTER_FAILING_DAYS * 24 * 3_600_000;
const DEFAULT_LEASE_MS = 60_000;
/** Events whose deliveries are all final are deleted after this (they carry personal data). */
export const WEBHOOK_EVENT_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Delay before attempt `attempt + 1` (attempt counted from 1): exponential, capped, with "equal
 * jitter" (between half and all of the step) so retries of many endpoints do not fire together
 * yet the schedule still spans about a day.
 */
export function webhookRetryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export type WebhookDeliveryOutcome = "delivered" | "retry_scheduled" | "failed" | "not_claimed";

type ClaimedDelivery = {
  id: string;
  event_id: string;
  endpoint_id: string;
  collectivity_id: string;
  attempts: number;
};

/** Leases due deliveries of active endpoints; `dueBefore` bounds a run (retries go to the next). */
export async function claimDueWebhookDeliveries(
  deps: WebhookDeliveryDeps,
  limit = 20,
  dueBefore?: Date,
): Promise<ClaimedDelivery[]> {
  const now = (deps.now ?? (() => new Date()))();
  const leaseUntil = new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS));
  return queryRows<ClaimedDelivery>(
    deps.db,
    sql`with picked as (
          select d.id from webhook_event_deliveries d
          join webhook_endpoints e on e.id = d.endpoint_id
          where d.status = 'pending' and e.status = 'active'
            and d.next_attempt_at <= ${(dueBefore ?? now).toISOString()}::timestamptz
            and (d.locked_until is null or d.locked_until < ${now.toISOString()}::timestamptz)
          order by d.next_attempt_at
          limit ${limit}
          for update of d skip locked)
        update webhook_event_deliveries d
        set locked_until = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
        from picked where d.id = picked.id
        returning d.id, d.event_id, d.endpoint_id, d.collectivity_id, d.attempts`,
  );
}

/**
 * Leases one delivery by id (a replay or a test sent from the portal goes out at once; the
 * worker is the fallback). Test pings may go to a disabled endpoint: that is how an
 * administrator checks it before re-enabling it.
 */
export async function claimWebhookDelivery(deps: WebhookDeliveryDeps, id: string): Promise<ClaimedDelivery | null> {
  const now = (deps.now ?? (() => new Date()))();
  const [row] = await queryRows<ClaimedDelivery>(
    deps.db,
    sql`update webhook_event_deliveries d
        set locked_until = ${new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS)).toISOString()}::timestamptz,
            attempts = d.attempts + 1
        where d.id = ${id}::uuid and d.status = 'pending'
          and (d.locked_until is null or d.locked_until < ${now.toISOString()}::timestamptz)
        returning d.id, d.event_id, d.endpoint_id, d.collectivity_id, d.attempts`,
  );
  return row ?? null;
}

/** Sends one claimed delivery and records the outcome. Never throws for the receiver's faults. */
export async function deliverClaimedWebhook(
  deps: WebhookDeliveryDeps,
  claimed: ClaimedDelivery,
): Promise<WebhookDeliveryOutcome> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const [row] = await db
    .select({ endpoint: webhookEndpoints, event: webhookEvents })
    .from(webhookEndpoints)
    .innerJoin(webhookEvents, eq(webhookEvents.id, claimed.event_id))
    .where(eq(webhookEndpoints.id, claimed.endpoint_id));
  if (!row) return "not_claimed"; // endpoint deleted meanwhile: the cascade removed the delivery too

  const attemptAt = now();
  let result: SendResult;
  try {
    const secrets = endpointSecrets(row.endpoint, deps.encryptionKey, attemptAt);
    const timestamp = Math.floor(attemptAt.getTime() / 1000);
    const headers = webhookHeaders({
      secrets,
      timestamp,
      body: row.event.body,
      eventId: row.event.id,
      eventType: row.event.type,
    });
    result = await sendWebhook(row.endpoint.url, headers, row.event.body, {
      allowPrivate: deps.allowPrivate,
      timeoutMs: deps.timeoutMs,
      resolver: deps.resolver,
    });
  } catch (error) {
    // A bug or an undecryptable secret: recorded like a failed attempt, never a crashed worker.
    logger.error({ deliveryId: claimed.id, err: error instanceof Error ? error.name : "unknown" }, "webhook en échec");
    result = { ok: false, status: null, error: "erreur interne à l’envoi", durationMs: 0, permanent: false };
  }
  const finishedAt = now();
  const common = {
    lockedUntil: null,
    lastAttemptAt: attemptAt,
    lastResponseStatus: result.status,
    durationMs: result.durationMs,
  };

  if (result.ok) {
    await db.transaction(async (tx) => {
      await tx
        .update(webhookEventDeliveries)
        .set({ ...common, status: "delivered", deliveredAt: finishedAt, lastError: null })
        .where(eq(webhookEventDeliveries.id, claimed.id));
      await tx
        .update(webhookEndpoints)
        .set({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: finishedAt })
        .where(eq(webhookEndpoints.id, claimed.endpoint_id));
    });
    return "delivered";
  }

  const final = result.permanent || claimed.attempts >= WEBHOOK_MAX_ATTEMPTS;
  await db.transaction(async (t) => {
    if (final) {
      await t
        .update(webhookEventDeliveries)
        .set({ ...common, status: "failed", failedAt: finishedAt, lastError: result.error })
        .where(eq(webhookEventDeliveries.id, claimed.id));
    } else {
      const delay = Math.max(1, webhookRetryDelay(claimed.attempts, deps.random));
      await t
        .update(webhookEventDeliveries)
        .set({ ...common, lastError: result.error, nextAttemptAt: new Date(finishedAt.getTime() + delay) })
        .where(eq(webhookEventDeliveries.id, claimed.id));
    }
    const [endpoint] = await t
      .update(webhookEndpoints)
      .set({
        failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${attemptAt.toISOString()}::timestamptz)`,
        consecutiveFailures: final ? sql`${webhookEndpoints.consecutiveFailures} + 1` : undefined,
      })
      .where(eq(webhookEndpoints.id, claimed.endpoint_id))
      .returning();
    if (endpoint) await disableIfFailingTooLong(t, endpoint, finishedAt);
  });
  return final ? "failed" : "retry_scheduled";
}

async function disableIfFailingTooLong(
  db: DbExecutor,
  endpoint: typeof webhookEndpoints.$inferSelect,
  now: Date,
): Promise<void> {
  if (endpoint.status !== "active") return;
  const reason =
    endpoint.consecutiveFailures >= DISABLE_AFTER_CONSECUTIVE_FAILURES
      ? "consecutive_failures"
      : endpoint.failingSince && now.getTime() - endpoint.failingSince.getTime() >= DISABLE_AFTER_FAILING_MS
        ? "failing_too_long"
        : null;
  if (!reason) return;
  const disabled = await db
    .update(webhookEndpoints)
    .set({ status: "disabled", disabledReason: reason, disabledAt: now, updatedAt: now })
    .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.status, "active")))
    .returning({ id: webhookEndpoints.id });
  if (disabled.length === 0) return;
  await recordAudit(db, {
    actor: null,
    collectivityId: endpoint.collectivityId,
    action: "webhook_endpoint.disabled",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    details: { reason, consecutiveFailures: endpoint.consecutiveFailures },
  });
  await mailWebhookDisabled(db, {
    endpointId: endpoint.id,
    collectivityId: endpoint.collectivityId,
    url: endpoint.url,
    reason,
    disabledAt: now,
  });
  logger.warn({ endpointId: endpoint.id, collectivityId: endpoint.collectivityId, reason }, "webhook désactivé");
}

/** Delivers everything due, batch after batch; returns counts for the logs. */
export async function deliverDueWebhooks(
  deps: WebhookDeliveryDeps,
  batchSize = 20,
): Promise<Record<WebhookDeliveryOutcome, number>> {
  const counts: Record<WebhookDeliveryOutcome, number> = {
    delivered: 0,
    retry_scheduled: 0,
    failed: 0,
    not_claimed: 0,
  };
  const runStartedAt = (deps.now ?? (() => new Date()))();
  for (;;) {
    const batch = await claimDueWebhookDeliveries(deps, batchSize, runStartedAt);
    if (batch.length === 0) return counts;
    // One slow endpoint (5 s timeout) must not hold the others: a batch goes out in parallel.
    const outcomes = await Promise.all(batch.map((claimed) => deliverClaimedWebhook(deps, claimed)));
    for (const outcome of outcomes) counts[outcome]++;
  }
}

/**
 * Retention: events older than the period go, unless a delivery to an active endpoint still
 * waits. Deliveries held for an endpoint disabled that long are dropped with their event (they
 * carry personal data, and a month-old "dossier reçu" is no longer news).
 */
export async function purgeWebhookEvents(db: Database, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - WEBHOOK_EVENT_RETENTION_MS);
  const deleted = await db
    .delete(webhookEvents)
    .where(
      and(
        lt(webhookEvents.createdAt, cutoff),
        sql`not exists (select 1 from ${webhookEventDeliveries} d
                        join ${webhookEndpoints} e on e.id = d.endpoint_id
                        where d.event_id = ${webhookEvents.id} and d.status = 'pending' and e.status = 'active')`,
      ),
    )
    .returning({ id: webhookEvents.id });
  return deleted.length;
}

/**
 * Sends one delivery right away (a test or a replay asked from the portal); "not_claimed" when
 * a worker holds it. Bounded by the send timeout, so the administrator's page waits 5 s at most.
 */
export async function deliverWebhookNow(
  deps: WebhookDeliveryDeps,
  deliveryId: string,
): Promise<WebhookDeliveryOutcome> {
  const claimed = await claimWebhookDelivery(deps, deliveryId);
  return claimed ? deliverClaimedWebhook(deps, claimed) : "not_claimed";
}
