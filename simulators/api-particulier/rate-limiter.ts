import { z } from "zod";

/**
 * No grace period for requests "already in flight" when a 429 leaves: API Particulier documents
 * none, and a simulator more lenient than the service hides the bans a client would meet
 * (issue 13). An old snapshot may still hold `banGraceMs`; zod drops unknown keys, so it is ignored.
 */
export const rateLimitSettingsSchema = z.object({
  /** Requests accepted per token in any sliding one-second window (production: 20). */
  perSecond: z.number().int().positive(),
  /** How long a token stays banned after ignoring Retry-After (production: 12 h for the IP). */
  banSeconds: z.number().int().positive(),
});
export type RateLimitSettings = z.output<typeof rateLimitSettingsSchema>;

export const DEFAULT_BAN_SECONDS = 12 * 3600;

const WINDOW_MS = 1000;

/** A 429 sent to a token, and the end of the Retry-After it announced. */
export interface RetryAfterPenalty {
  issuedAt: number;
  deadline: number;
}

interface Common {
  limit: number;
  remaining: number;
  /** Unix time in seconds when a slot frees up (header RateLimit-Reset). */
  resetAt: number;
}
export type RateDecision =
  | ({ kind: "allowed" } & Common)
  | ({ kind: "limited"; retryAfterSeconds: number } & Common)
  | ({
      kind: "banned";
      retryAfterSeconds: number;
      bannedUntil: number;
      /** The token was not banned before this request. */
      justBanned: boolean;
      /** The Retry-After this request ignored (every banning or ban-extending call ignores one). */
      violated: RetryAfterPenalty;
    } & Common);

interface TokenWindow {
  /** Arrival times of the accepted requests of the last second, oldest first. */
  accepted: number[];
  /** The last 429 sent to the token: calling again before its deadline bans the token. */
  penalty?: RetryAfterPenalty;
  bannedUntil?: number;
}

/**
 * Per-token limit over a sliding one-second window (stricter than production's fixed
 * buckets: N requests are allowed in any interval of one second, never 2N around a
 * boundary). Every 429 carries Retry-After; any request of that token arriving before it
 * elapses, however soon after the 429, bans the token for `banSeconds`. A ban's 429s carry
 * a Retry-After too (the time left), so calling during a ban extends it: when unsure of
 * what production does, the simulator is the stricter one.
 */
export class RateLimiter {
  private windows = new Map<string, TokenWindow>();
  private checksSinceSweep = 0;

  constructor(public settings: RateLimitSettings) {}

  check(key: string, limit: number, now: number): RateDecision {
    if (++this.checksSinceSweep >= 10_000) this.sweep(now);
    const state = this.windowOf(key);
    while (state.accepted.length > 0 && state.accepted[0]! <= now - WINDOW_MS) state.accepted.shift();

    if (state.penalty && now < state.penalty.deadline) {
      const violated = state.penalty;
      const justBanned = !(state.bannedUntil !== undefined && now < state.bannedUntil);
      state.bannedUntil = now + this.settings.banSeconds * 1000;
      state.penalty = { issuedAt: now, deadline: state.bannedUntil };
      return this.banned(state.bannedUntil, limit, justBanned, violated, now);
    }

    if (state.accepted.length >= limit) {
      const freesAt = state.accepted[0]! + WINDOW_MS;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now) / 1000));
      state.penalty = { issuedAt: now, deadline: now + retryAfterSeconds * 1000 };
      return {
        kind: "limited",
        retryAfterSeconds,
        limit,
        remaining: 0,
        resetAt: Math.ceil(state.penalty.deadline / 1000),
      };
    }
    state.accepted.push(now);
    return {
      kind: "allowed",
      limit,
      remaining: limit - state.accepted.length,
      resetAt: Math.ceil((state.accepted[0]! + WINDOW_MS) / 1000),
    };
  }

  /**
   * A 429 answered elsewhere (an injected fault) binds the client like the limiter's own:
   * the real API would ban a client calling before its Retry-After. A later deadline already
   * running (a ban) is kept.
   */
  startPenalty(key: string, now: number, retryAfterSeconds: number): RetryAfterPenalty {
    const state = this.windowOf(key);
    const deadline = Math.max(now + retryAfterSeconds * 1000, state.penalty?.deadline ?? 0);
    state.penalty = { issuedAt: now, deadline };
    return state.penalty;
  }

  bans(now: number): Array<{ key: string; bannedUntil: number }> {
    return [...this.windows]
      .filter(([, w]) => w.bannedUntil !== undefined && w.bannedUntil > now)
      .map(([key, w]) => ({ key, bannedUntil: w.bannedUntil! }));
  }

  /**
   * A ban saved by snapshot(). Its 429s told the client to wait until its end, so a call
   * during it still extends it; the 429 is dated from the ban's start, the best estimate left.
   */
  restoreBan(key: string, bannedUntil: number): void {
    const state = this.windowOf(key);
    state.bannedUntil = bannedUntil;
    state.penalty = { issuedAt: bannedUntil - this.settings.banSeconds * 1000, deadline: bannedUntil };
  }

  liftBans(): void {
    for (const state of this.windows.values()) {
      state.bannedUntil = undefined;
      state.penalty = undefined;
    }
  }

  clear(): void {
    this.windows.clear();
  }

  private windowOf(key: string): TokenWindow {
    let state = this.windows.get(key);
    if (!state) this.windows.set(key, (state = { accepted: [] }));
    return state;
  }

  /** FranceConnect tokens are single-use: forget idle windows so a long benchmark does not leak. */
  private sweep(now: number): void {
    this.checksSinceSweep = 0;
    for (const [key, w] of this.windows) {
      const idle = (w.accepted.at(-1) ?? 0) <= now - WINDOW_MS;
      if (idle && (w.penalty?.deadline ?? 0) <= now && (w.bannedUntil ?? 0) <= now) this.windows.delete(key);
    }
  }

  private banned(
    bannedUntil: number,
    limit: number,
    justBanned: boolean,
    violated: RetryAfterPenalty,
    now: number,
  ): RateDecision {
    const retryAfterSeconds = Math.max(1, Math.ceil((bannedUntil - now) / 1000));
    return {
      kind: "banned",
      retryAfterSeconds,
      bannedUntil,
      justBanned,
      violated,
      limit,
      remaining: 0,
      resetAt: Math.ceil(bannedUntil / 1000),
    };
  }
}
