import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import type { Config } from "~/config.server";
import { sleep } from "~/integrations/http.server";
import { logger } from "~/utils/logger.server";
import { sharedPromise } from "~/utils/shared-promise";

/**
 * The API Particulier token pacer: every caller with a commune's token (yearly campaigns, agents'
 * QF lookups, the settings' connection test), in every process on every machine, goes through it.
 * API Particulier allows 20 requests per token in any sliding second *measured where they arrive*
 * and bans the token for 12 h when a call arrives during a 429's Retry-After. So the pacer's job
 * is never to cause a 429, whatever the load of our machines (ADR 014).
 *
 * One row of api_particulier_rate_limits per token (its SHA-256) is the shared truth, and each
 * send goes through three short statements on it:
 *
 * 1. pacing: the caller takes an evenly spaced slot (next_slot_at += 1/rate) and sleeps until it,
 *    so senders do not arrive in bunches. Nothing is logged yet: the caller may now do its own
 *    slow work (a database write) before sending.
 * 2. guard, immediately before the request leaves: one conditional UPDATE logs the send only if
 *    the token is not paused, fewer than `maxInFlight` calls are unanswered, and fewer than
 *    `limit` logged sends could still arrive within one second (plus a margin) of this one. Then
 *    the request is sent at once, with nothing between the guard and the socket.
 * 3. completion: once the answer is read, the send is marked answered at that time.
 *
 * The guard's count is what makes bursts impossible rather than unlikely. A send s logged at L(s)
 * arrives at A(s) ≥ L(s), and no later than the moment its answer was read, R(s): the API counts a
 * request before it answers it. Take any second [t, t + 1) at the API and the last send n of it to
 * have been logged: every other send s of that second was logged before n, and either had no
 * answer yet when n was logged, or R(s) ≥ A(s) ≥ t > A(n) − 1 ≥ L(n) − 1. Either way the guard
 * counted it when it let n go, and it let n go only if they were fewer than `limit`: no second at
 * the API ever holds more than `limit` requests. Nothing is assumed about delays: a starved CPU on
 * our side, network jitter, or an API that queues requests before counting them only push R later,
 * which the next guard sees. Every time is taken on the database clock, so machines' clocks do not
 * matter. The price: each request holds its place for its round trip plus one second, so the pace
 * is at most limit ÷ (1 s + round trip) (ADR 014).
 *
 * A 429 is therefore a defect of the pacer: it is logged at warn with the token's recent sends,
 * counted on the row (platform dashboard), and pauses the token for the whole Retry-After (plus a
 * margin) in every process: the guard refuses every send until then.
 */

export const API_PARTICULIER_LIMIT_PER_SECOND = 20;

export interface TokenPacerOptions {
  /** Evenly spaced slots per second handed to callers (default: 0.9 × the limit). */
  ratePerSecond: number;
  /** The API's limit per sliding second (default 20). */
  limitPerSecond?: number;
  /** Calls left unanswered at once per token, all processes together (default: the limit). */
  maxInFlight?: number;
  /** Widens the counted second, against the API counting a closed second (default 20 ms). */
  windowMarginMs?: number;
  /** Added to every Retry-After (default 250 ms). */
  pauseMarginMs?: number;
  /**
   * A call unanswered for this long belongs to a process that died (default 30 s, well past the
   * client's 11 s timeout): only then is it assumed to have arrived, and its place freed.
   */
  abandonedAfterMs?: number;
}

export type PacedSend<T> =
  | { kind: "sent"; answer: T }
  /** A 429 paused the token: nothing was sent. Retry after `retryAfterMs`. */
  | { kind: "paused"; retryAfterMs: number }
  /** `beforeSend` said no: nothing was sent. */
  | { kind: "cancelled" };

export interface PacedCall<T> {
  /**
   * The caller's last slow step (e.g. the database write that marks a campaign item in progress),
   * run after the pacing wait and before the guard, so that nothing slow sits between the guard
   * and the request. Returning false sends nothing.
   */
  beforeSend?: () => Promise<boolean>;
  /** Sends the request and reads its answer. Called right after the guard logged the send. */
  send: () => Promise<T>;
  /** Retry-After in milliseconds when the answer is a 429, otherwise null. */
  retryAfterOf: (answer: T) => number | null;
  /** Aborting ends a wait (pacing, pause, full guard) with the signal's reason. */
  signal?: AbortSignal;
  /** What called, for the 429 log line (no personal data). */
  caller: "campaign" | "qf_lookup" | "connection_test";
}

export interface TokenPacer {
  /** Waits for this caller's turn, then sends through the guard (see the module comment). */
  send<T>(token: string, call: PacedCall<T>): Promise<PacedSend<T>>;
  /** Seconds left of a pause a 429 put on the token (0 when none). */
  pausedSeconds(token: string): Promise<number>;
}

/**
 * The pacer every process builds from its configuration: slots at the campaigns' share of the
 * limit (API_PARTICULIER_CAMPAIGN_RATE_FRACTION), which leaves the guard room for lookups.
 */
export function pacerOptionsFromConfig(
  config: Pick<Config, "API_PARTICULIER_RATE_LIMIT" | "API_PARTICULIER_CAMPAIGN_RATE_FRACTION">,
): TokenPacerOptions {
  return {
    ratePerSecond: config.API_PARTICULIER_RATE_LIMIT * config.API_PARTICULIER_CAMPAIGN_RATE_FRACTION,
    limitPerSecond: config.API_PARTICULIER_RATE_LIMIT,
  };
}

export const tokenHash = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export function createTokenPacer(db: Database, options: TokenPacerOptions): TokenPacer {
  const limit = options.limitPerSecond ?? API_PARTICULIER_LIMIT_PER_SECOND;
  if (!(options.ratePerSecond > 0 && options.ratePerSecond <= limit)) {
    throw new Error("the pacer's rate must be positive and at most the API's limit");
  }
  const intervalSecs = 1 / options.ratePerSecond;
  const maxInFlight = options.maxInFlight ?? limit;
  const windowMs = 1000 + (options.windowMarginMs ?? 20);
  const pauseMarginMs = options.pauseMarginMs ?? 250;
  const abandonedAfterMs = options.abandonedAfterMs ?? 30_000;
  /** Promises, not a set of hashes: the first calls of a token sent side by side insert its row once. */
  const known = new Map<string, Promise<unknown>>();

  // A failed insert is not kept: the next call of the token tries again.
  const ensureRow = (hash: string) =>
    sharedPromise(known, hash, () =>
      db.execute(
        sql`insert into api_particulier_rate_limits (token_hash) values (${hash}) on conflict (token_hash) do nothing`,
      ),
    );

  // The database clock in epoch milliseconds. clock_timestamp(), not now(): now() is frozen per
  // transaction, and the guard must read the time after it got the row's lock.
  const nowMs = sql`(extract(epoch from clock_timestamp()) * 1000)::float8`;
  // A logged send is in flight until its answer is read (or its process is presumed dead).
  const inFlight = sql`(e->>'done')::boolean = false and (e->>'at')::float8 > ${nowMs} - ${abandonedAfterMs}::float8`;
  // It can share a second with a new send while in flight, or when answered within the last second.
  const answeredInWindow = sql`(e->>'done')::boolean and (e->>'by')::float8 > ${nowMs} - ${windowMs}::float8`;
  const inWindow = sql`((${inFlight}) or (${answeredInWindow}))`;

  /**
   * Step 1: an evenly spaced slot, waited for. During a pause no slot is handed out: the caller
   * learns how long the pause lasts and decides (a campaign item goes back to the queue).
   */
  const waitForSlot = async (hash: string, signal?: AbortSignal): Promise<{ pausedMs: number }> => {
    const [slot] = await queryRows<{ wait_ms: number; paused_ms: number | null }>(
      db,
      sql`update api_particulier_rate_limits
          set next_slot_at = case when coalesce(paused_until, '-infinity') > clock_timestamp() then next_slot_at
                                  else greatest(next_slot_at, clock_timestamp())
                                       + make_interval(secs => ${intervalSecs}::float8) end,
              updated_at = clock_timestamp()
          where token_hash = ${hash}
          returning (extract(epoch from next_slot_at - clock_timestamp()) * 1000
                     - ${intervalSecs * 1000}::float8)::float8 as wait_ms,
                    (extract(epoch from paused_until - clock_timestamp()) * 1000)::float8 as paused_ms`,
    );
    const pausedMs = Number(slot?.paused_ms ?? 0);
    if (pausedMs > 0) return { pausedMs };
    const waitMs = Number(slot?.wait_ms ?? 0);
    if (waitMs > 0) await abortableSleep(waitMs, signal);
    return { pausedMs: 0 };
  };

  /**
   * Step 2: logs the send if the guard allows it. The WHERE clause is re-evaluated on the row's
   * latest version once its lock is ours (READ COMMITTED), so two processes never both take the
   * last place. Entries that can no longer count (out of the window and answered, or abandoned)
   * are dropped on the way.
   */
  const tryToLog = async (hash: string): Promise<{ seq: number } | { pausedMs: number; waitMs: number }> => {
    const logged = await queryRows<{ seq: string | number }>(
      db,
      sql`update api_particulier_rate_limits r
          set send_seq = r.send_seq + 1,
              sends = coalesce((select jsonb_agg(e) from jsonb_array_elements(r.sends) e
                                where ${inWindow}), '[]'::jsonb)
                      || jsonb_build_array(jsonb_build_object(
                           'n', r.send_seq + 1, 'at', ${nowMs}, 'by', null, 'done', false)),
              updated_at = clock_timestamp()
          where r.token_hash = ${hash}
            and coalesce(r.paused_until, '-infinity') <= clock_timestamp()
            and (select count(*) from jsonb_array_elements(r.sends) e where ${inWindow}) < ${limit}::int
            and (select count(*) from jsonb_array_elements(r.sends) e where ${inFlight}) < ${maxInFlight}::int
          returning r.send_seq as seq`,
    );
    if (logged[0]) return { seq: Number(logged[0].seq) };
    // Refused: how long until a place may free up (answers can free one sooner: poll within 25 ms).
    const [why] = await queryRows<{ paused_ms: number | null; free_ms: number | null }>(
      db,
      sql`select (extract(epoch from r.paused_until - clock_timestamp()) * 1000)::float8 as paused_ms,
                 (select min((e->>'by')::float8) + ${windowMs}::float8 - ${nowMs}
                  from jsonb_array_elements(r.sends) e where ${answeredInWindow})::float8 as free_ms
          from api_particulier_rate_limits r where r.token_hash = ${hash}`,
    );
    const pausedMs = Math.max(0, Number(why?.paused_ms ?? 0));
    const waitMs = Math.min(25, Math.max(1, Number(why?.free_ms ?? 1)));
    return { pausedMs, waitMs };
  };

  /**
   * Step 3: the answer is in, so the request arrived before now (minus the time since we read it).
   * A call that ended without an answer (timeout, network error) is taken as arrived by the time
   * we gave up: our client closed the connection, so the API can no longer count it later.
   */
  const markAnswered = async (hash: string, seq: number, answeredAt: number | null) => {
    // answeredAt is on this process's clock: turned into "so many ms before the database's now".
    const sinceAnswerMs = answeredAt === null ? 0 : Math.max(0, performance.now() - answeredAt);
    await db.execute(
      sql`update api_particulier_rate_limits r
          set sends = coalesce((select jsonb_agg(case when (e->>'n')::bigint = ${seq}::bigint
                                                 then e || jsonb_build_object('by', ${nowMs} - ${sinceAnswerMs}::float8,
                                                                              'done', true)
                                                 else e end)
                                from jsonb_array_elements(r.sends) e), '[]'::jsonb),
              updated_at = clock_timestamp()
          where r.token_hash = ${hash}`,
    );
  };

  const pause = async (hash: string, retryAfterMs: number, caller: PacedCall<unknown>["caller"]) => {
    const pauseSecs = (retryAfterMs + pauseMarginMs) / 1000;
    const [row] = await queryRows<{ sends: unknown; now_ms: number }>(
      db,
      sql`update api_particulier_rate_limits
          set paused_until = greatest(coalesce(paused_until, '-infinity'),
                                      clock_timestamp() + make_interval(secs => ${pauseSecs}::float8)),
              next_slot_at = greatest(next_slot_at, clock_timestamp() + make_interval(secs => ${pauseSecs}::float8)),
              rate_limited_total = rate_limited_total + 1,
              last_rate_limited_at = clock_timestamp(),
              updated_at = clock_timestamp()
          where token_hash = ${hash}
          returning sends, ${nowMs} as now_ms`,
    );
    // A 429 means the pacer failed: say what it had let go, as offsets from now (no personal data).
    const sends = parseSends(row?.sends);
    const now = Number(row?.now_ms ?? 0);
    logger.warn(
      {
        tokenHash: hash.slice(0, 12),
        caller,
        retryAfterMs,
        recentSends: sends.map((s) => ({
          sentMsAgo: Math.round(now - s.at),
          arrivedByMsAgo: s.by === null ? null : Math.round(now - s.by),
          answered: s.done,
        })),
      },
      "API Particulier a répondu 429 : le régulateur a laissé passer trop d'appels",
    );
  };

  return {
    async send<T>(token: string, call: PacedCall<T>): Promise<PacedSend<T>> {
      const hash = tokenHash(token);
      await ensureRow(hash);
      const slot = await waitForSlot(hash, call.signal);
      if (slot.pausedMs > 0) return { kind: "paused", retryAfterMs: Math.ceil(slot.pausedMs) };
      if (call.beforeSend && !(await call.beforeSend())) return { kind: "cancelled" };
      let seq: number;
      for (;;) {
        call.signal?.throwIfAborted();
        const attempt = await tryToLog(hash);
        if ("seq" in attempt) {
          seq = attempt.seq;
          break;
        }
        // Paused by a 429: the caller decides (a campaign item waits in the queue, an agent is told).
        if (attempt.pausedMs > 0) return { kind: "paused", retryAfterMs: Math.ceil(attempt.pausedMs) };
        await abortableSleep(attempt.waitMs, call.signal);
      }
      let answer: T;
      let answeredAt: number | null = null;
      try {
        answer = await call.send();
        answeredAt = performance.now();
      } finally {
        await markAnswered(hash, seq, answeredAt);
      }
      const retryAfterMs = call.retryAfterOf(answer);
      if (retryAfterMs !== null) await pause(hash, retryAfterMs, call.caller);
      return { kind: "sent", answer };
    },

    async pausedSeconds(token) {
      const [row] = await queryRows<{ ms: number | null }>(
        db,
        sql`select (extract(epoch from paused_until - clock_timestamp()) * 1000)::float8 as ms
            from api_particulier_rate_limits where token_hash = ${tokenHash(token)}`,
      );
      const ms = Number(row?.ms ?? 0);
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    },
  };
}

interface LoggedSend {
  at: number;
  /** Latest possible arrival; null while unanswered. */
  by: number | null;
  done: boolean;
}

function parseSends(value: unknown): LoggedSend[] {
  const array = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(array)) return [];
  return array.map((e: { at?: unknown; by?: unknown; done?: unknown }) => ({
    at: Number(e.at),
    by: e.by === null || e.by === undefined ? null : Number(e.by),
    done: e.done === true,
  }));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms);
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
