import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import { sleep } from "~/integrations/http.server";

/**
 * API Particulier allows 20 requests per second per token, over a sliding second, and bans
 * a token that calls again before a 429's Retry-After. Every worker process (on every
 * machine) paces its calls with the same token through one row of
 * api_particulier_rate_limits, in two steps:
 *
 * 1. pacing: each call takes its own slot with a single UPDATE (slot = greatest(next_slot,
 *    now, paused_until), next_slot = slot + 1/rate) and sleeps until it. Row locking makes
 *    the slots exact across processes, and the wait is computed on the database clock, so
 *    clock skew between machines does not matter;
 * 2. guard, right before sending: one conditional UPDATE appends the send time to the row's
 *    log of the last `limit - 1` sends, only if the token is not paused and the oldest of those
 *    is older than 1 s + jitterMarginMs. Pacing alone is not enough: a caller whose timer fires
 *    late (event loop, GC, a slow query) bunches with the next ones, and evenly spaced slots at
 *    exactly 1/limit already put limit + 1 requests in a closed second. Requests reach the API
 *    within jitterMarginMs of the logged time, so any sliding second of arrivals holds at most
 *    `limit - 1` requests, however late the callers. With the defaults (18/s paced, 19 per
 *    1.05 s guarded) the guard only bites on bunching, never on the steady rate.
 *
 * On a 429, paused_until is pushed past Retry-After (plus a margin for the time the answer
 * took to reach us); the guard refuses every send until then, for every worker.
 */

export const API_PARTICULIER_LIMIT_PER_SECOND = 20;

export interface RateLimiterOptions {
  /** Requests per second actually sent (default 18), below the API's limit. */
  ratePerSecond: number;
  /** The API's limit (default 20/s). */
  limitPerSecond?: number;
  /** Tolerated spread between the logged send time and the arrival at the API (default 50 ms). */
  jitterMarginMs?: number;
  /** Added to every Retry-After (default 250 ms). */
  pauseMarginMs?: number;
}

export interface TokenRateLimiter {
  /** Resolves when this caller may send one request with the token (the send is then logged). */
  acquire(token: string, signal?: AbortSignal): Promise<void>;
  /** Every worker stops sending with the token for `retryAfterMs` (plus margin). */
  pause(token: string, retryAfterMs: number): Promise<void>;
}

export const tokenHash = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export function createTokenRateLimiter(db: Database, options: RateLimiterOptions): TokenRateLimiter {
  const limit = options.limitPerSecond ?? API_PARTICULIER_LIMIT_PER_SECOND;
  if (!(options.ratePerSecond > 0 && options.ratePerSecond < limit)) {
    throw new Error("the limiter's rate must be positive and below the API's limit");
  }
  const intervalSecs = 1 / options.ratePerSecond;
  // Sends allowed in any guard window: one below the limit, so a request we could not time perfectly still fits.
  const cap = limit - 1;
  const guardWindowSecs = 1 + (options.jitterMarginMs ?? 50) / 1000;
  const pauseMarginMs = options.pauseMarginMs ?? 250;
  const known = new Set<string>();

  const ensureRow = async (hash: string) => {
    if (known.has(hash)) return;
    await db.execute(
      sql`insert into api_particulier_rate_limits (token_hash) values (${hash}) on conflict (token_hash) do nothing`,
    );
    known.add(hash);
  };

  /** Step 1: this caller's slot; resolves at it. clock_timestamp(), as now() is frozen per transaction. */
  const waitForSlot = async (hash: string) => {
    const [slot] = await queryRows<{ wait_ms: number }>(
      db,
      sql`update api_particulier_rate_limits
          set next_slot_at = greatest(next_slot_at, clock_timestamp(), coalesce(paused_until, '-infinity'))
                             + make_interval(secs => ${intervalSecs}::float8),
              updated_at = clock_timestamp()
          where token_hash = ${hash}
          returning (extract(epoch from next_slot_at - clock_timestamp()) * 1000
                     - ${intervalSecs * 1000}::float8)::float8 as wait_ms`,
    );
    const waitMs = Number(slot?.wait_ms ?? 0);
    if (waitMs > 0) await sleep(waitMs);
  };

  /** Step 2: logs the send if allowed; otherwise why not (paused by a 429) and how long to wait. */
  const tryToSend = async (
    hash: string,
  ): Promise<{ sent: true } | { sent: false; pausedMs: number; fullMs: number }> => {
    const sent = await queryRows<{ ok: number }>(
      db,
      sql`update api_particulier_rate_limits
          set recent_sends = (case when cardinality(recent_sends) >= ${cap}::int
                                   then recent_sends[cardinality(recent_sends) - ${cap}::int + 2 :]
                                   else recent_sends end) || clock_timestamp(),
              updated_at = clock_timestamp()
          where token_hash = ${hash}
            and coalesce(paused_until, '-infinity') <= clock_timestamp()
            and (cardinality(recent_sends) < ${cap}::int
                 or recent_sends[cardinality(recent_sends) - ${cap}::int + 1] <= clock_timestamp() - make_interval(secs => ${guardWindowSecs}::float8))
          returning 1 as ok`,
    );
    if (sent.length === 1) return { sent: true };
    const [why] = await queryRows<{ paused_ms: number; full_ms: number }>(
      db,
      sql`select (coalesce(extract(epoch from paused_until - clock_timestamp()), 0) * 1000)::float8 as paused_ms,
                 (case when cardinality(recent_sends) >= ${cap}::int
                       then extract(epoch from recent_sends[cardinality(recent_sends) - ${cap}::int + 1]
                                               + make_interval(secs => ${guardWindowSecs}::float8) - clock_timestamp()) * 1000
                       else 0 end)::float8 as full_ms
          from api_particulier_rate_limits where token_hash = ${hash}`,
    );
    return { sent: false, pausedMs: Number(why?.paused_ms ?? 0), fullMs: Number(why?.full_ms ?? 0) };
  };

  return {
    async acquire(token, signal) {
      const hash = tokenHash(token);
      await ensureRow(hash);
      await waitForSlot(hash);
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const attempt = await tryToSend(hash);
        if (attempt.sent) return;
        // Paused by a 429: queue again, behind the pause. Guard full (we were late): retry as it frees.
        if (attempt.pausedMs > 0) await waitForSlot(hash);
        else await sleep(Math.max(1, attempt.fullMs));
      }
    },

    async pause(token, retryAfterMs) {
      const hash = tokenHash(token);
      await ensureRow(hash);
      const pauseSecs = (retryAfterMs + pauseMarginMs) / 1000;
      await db.execute(
        sql`update api_particulier_rate_limits
            set paused_until = greatest(coalesce(paused_until, '-infinity'),
                                        clock_timestamp() + make_interval(secs => ${pauseSecs}::float8)),
                next_slot_at = greatest(next_slot_at,
                                        clock_timestamp() + make_interval(secs => ${pauseSecs}::float8)),
                updated_at = clock_timestamp()
            where token_hash = ${hash}`,
      );
    },
  };
}
