import type { RequestHandler } from "express";
import { apiErrors, sendErrors } from "./errors.ts";
import type { QfDeps } from "./qf-deps.ts";
import { exchangeOf } from "./qf-exchange.ts";

/**
 * Applies the per-token limit and writes RateLimit-Limit / -Remaining / -Reset on
 * every answer of the route (they are set before anything else can respond).
 * RateLimit-Reset is a Unix timestamp in seconds (when a slot frees up), like the API's fixed-window headers give
 * the end of the current window. The limiter judges the request at its arrival time, the one the stats record.
 */
export function rateLimit(deps: QfDeps): RequestHandler {
  return (_req, res, next) => {
    const exchange = exchangeOf(res);
    const limit = deps.tokens.get(exchange.token)?.rateLimitPerSecond ?? deps.limiter.settings.perSecond;
    const decision = deps.limiter.check(exchange.token, limit, exchange.startedAt);
    res.setHeader("RateLimit-Limit", String(decision.limit));
    res.setHeader("RateLimit-Remaining", String(decision.remaining));
    res.setHeader("RateLimit-Reset", String(decision.resetAt));
    if (decision.kind === "allowed") return next();
    res.setHeader("Retry-After", String(decision.retryAfterSeconds));
    if (decision.kind === "limited") {
      exchange.outcome = "rate_limited";
      deps.stats.recordRateLimited(exchange.token);
      return sendErrors(res, 429, [apiErrors.tooManyRequests()]);
    }
    deps.stats.recordRetryAfterViolation(exchange.token, exchange.startedAt, decision.violated);
    exchange.outcome = decision.justBanned ? "banned_now" : "banned";
    sendErrors(res, 429, [apiErrors.banned(new Date(decision.bannedUntil))]);
  };
}
