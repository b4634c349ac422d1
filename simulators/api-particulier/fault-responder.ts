import type { Response } from "express";
import { apiErrors, sendErrors, type ApiParticulierError } from "./errors.ts";
import type { QfExchange } from "./qf-exchange.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { TrafficStats } from "./traffic-stats.ts";

/** Seconds a client is told to wait after an injected 504/503, like API Particulier's `meta.retry_in`. */
export const INJECTED_RETRY_IN_SECONDS = 10;
/** Retry-After of an injected 429, the shortest the API announces. */
export const INJECTED_RETRY_AFTER_SECONDS = 1;

export interface InjectedFaultDeps {
  limiter: RateLimiter;
  stats: TrafficStats;
  now: () => number;
}

/**
 * Writes the envelope API Particulier would send for an injected status, so that
 * clients under fault injection see exactly what production sends. An injected 429
 * binds the client like a real one: calling again before its Retry-After bans the token.
 */
export function injectedFaultResponder(deps: InjectedFaultDeps): (res: Response, status: number) => void {
  return (res, status) => {
    const exchange = res.locals.qf as QfExchange | undefined;
    if (exchange) exchange.outcome = `fault:${status}`;
    if (status === 429) {
      res.setHeader("Retry-After", String(INJECTED_RETRY_AFTER_SECONDS));
      if (exchange) {
        deps.limiter.startPenalty(exchange.token, deps.now(), INJECTED_RETRY_AFTER_SECONDS);
        deps.stats.recordRateLimited(exchange.token);
      }
    }
    sendErrors(res, status, [injectedError(status)]);
  };
}

function injectedError(status: number): ApiParticulierError {
  switch (status) {
    case 401:
      return apiErrors.invalidToken();
    case 403:
      return apiErrors.insufficientPrivileges();
    case 404:
      return apiErrors.notFound();
    case 409:
      return apiErrors.conflict();
    case 422:
      return apiErrors.invalidCivility("nomNaissance");
    case 429:
      return apiErrors.tooManyRequests();
    case 502:
      return apiErrors.providerError();
    case 503:
      return apiErrors.providerUnavailable(INJECTED_RETRY_IN_SECONDS);
    case 504:
      return apiErrors.providerTimeout(INJECTED_RETRY_IN_SECONDS);
    default:
      return apiErrors.internalError();
  }
}
