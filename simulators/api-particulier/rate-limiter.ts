import { z } from "zod";

export const rateLimitSettingsSchema = z.object({
  /** Requests accepted per token in any sliding one-second window (production: 20). */
  perSecond: z.number().int().positive(),
  /** How long a token stays banned after ignoring Retry-After (production: 12 h for the IP). */
  banSeconds: z.number().int().positive(),
  /**
   * Requests arriving this soon after a 429 are answered 429 again but not held against
   * the client: they were already in flight when the 429 left.
   */
  banGraceMs: z.number().int().min(0),
});
export type RateLimitSettings = z.output<typeof rateLimitSettingsSchema>;

export const DEFAULT_BAN_SECONDS = 12 * 3600;
export const DEFAULT_BAN_GRACE_MS = 200;

const WINDOW_MS = 1000;

interface Common {
  limit: number;
  remaining: number;
  /** Unix time in seconds when a slot frees up (header RateLimit-Reset). */
  resetAt: number;
}
export type RateDecision =
  | ({ kind: "allowed" } & Common)
  | ({ kind: "limited"; retryAfterSeconds: number } & Common)
  | ({ kind: "banned"; retryAfterSeconds: number; bannedUntil: number; justBanned: boolean } & Common);

interface TokenWindow {
  /** Arrival times of the accepted requests of the last second, oldest first. */
  accepted: number[];
  /** Set by a 429: the client must not call again before `deadline`. */
  penalty?: { issuedAt: number; deadline: number };
  bannedUntil?: number;
}

/**
 * Per-token limit over a sliding one-second window (stricter than production's fixed
 * buckets: N requests are allowed in any interval of one second, never 2N around a
 * boundary). A 429 carries Retry-After; a client calling again before it elapses is
 * banned for `banSeconds`, every request refused with 429 meanwhile.
 */
export class RateLimiter {
  private windows = new Map<string, TokenWindow>();
  private checksSinceSweep = 0;

  constructor(public settings: RateLimitSettings) {}

  check(key: string, limit: number, now: number): RateDecision {
    if (++this.checksSinceSweep >= 10_000) this.sweep(now);
    const state = this.windows.get(key) ?? { accepted: [] };
    this.windows.set(key, state);
    while (state.accepted.length > 0 && state.accepted[0]! <= now - WINDOW_MS) state.accepted.shift();

    if (state.bannedUntil !== undefined && now < state.bannedUntil)
      return this.banned(state.bannedUntil, limit, false, now);
    if (state.penalty && now < state.penalty.deadline) {
      if (now >= state.penalty.issuedAt + this.settings.banGraceMs) {
        state.bannedUntil = now + this.settings.banSeconds * 1000;
        state.penalty = undefined;
        return this.banned(state.bannedUntil, limit, true, now);
      }
      return this.limited(state.penalty.deadline, limit, now);
    }
    state.penalty = undefined;

    if (state.accepted.length >= limit) {
      const freesAt = state.accepted[0]! + WINDOW_MS;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now) / 1000));
      state.penalty = { issuedAt: now, deadline: now + retryAfterSeconds * 1000 };
      return this.limited(state.penalty.deadline, limit, now);
    }
    state.accepted.push(now);
    return {
      kind: "allowed",
      limit,
      remaining: limit - state.accepted.length,
      resetAt: Math.ceil((state.accepted[0]! + WINDOW_MS) / 1000),
    };
  }

  bans(now: number): Array<{ key: string; bannedUntil: number }> {
    return [...this.windows]
      .filter(([, w]) => w.bannedUntil !== undefined && w.bannedUntil > now)
      .map(([key, w]) => ({ key, bannedUntil: w.bannedUntil! }));
  }

  restoreBan(key: string, bannedUntil: number): void {
    const state = this.windows.get(key) ?? { accepted: [] };
    state.bannedUntil = bannedUntil;
    this.windows.set(key, state);
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

  /** FranceConnect tokens are single-use: forget idle windows so a long benchmark does not leak. */
  private sweep(now: number): void {
    this.checksSinceSweep = 0;
    for (const [key, w] of this.windows) {
      const idle = (w.accepted.at(-1) ?? 0) <= now - WINDOW_MS;
      if (idle && (w.penalty?.deadline ?? 0) <= now && (w.bannedUntil ?? 0) <= now) this.windows.delete(key);
    }
  }

  private limited(deadline: number, limit: number, now: number): RateDecision {
    const retryAfterSeconds = Math.max(1, Math.ceil((deadline - now) / 1000));
    return { kind: "limited", retryAfterSeconds, limit, remaining: 0, resetAt: Math.ceil(deadline / 1000) };
  }

  private banned(bannedUntil: number, limit: number, justBanned: boolean, now: number): RateDecision {
    const retryAfterSeconds = Math.max(1, Math.ceil((bannedUntil - now) / 1000));
    return {
      kind: "banned",
      retryAfterSeconds,
      bannedUntil,
      justBanned,
      limit,
      remaining: 0,
      resetAt: Math.ceil(bannedUntil / 1000),
    };
  }
}
