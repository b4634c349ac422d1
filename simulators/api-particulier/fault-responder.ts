import type { Response } from "express";
import { apiErrors, sendErrors, type ApiParticulierError } from "./errors.ts";

/** Seconds a client is told to wait after an injected 504/503, like API Particulier's `meta.retry_in`. */
export const INJECTED_RETRY_IN_SECONDS = 10;

/**
 * Writes the envelope API Particulier would send for an injected status, so that
 * clients under fault injection see exactly what production sends.
 */
export function respondWithInjectedFault(res: Response, status: number): void {
  const exchange = res.locals.qf as { outcome: string | null } | undefined;
  if (exchange) exchange.outcome = `fault:${status}`;
  const error = injectedError(status);
  if (status === 429) res.setHeader("Retry-After", "1");
  sendErrors(res, status, [error]);
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
