import { observeExternalCall, outcomeOfStatus } from "~/metrics/external-calls.server";
import { startOutgoingCall } from "~/metrics/outgoing-call-time.server";

/**
 * Shared HTTP behaviour for calls to external systems: a timeout on every call,
 * and retries with exponential backoff and full jitter for transient faults only.
 */

export class HttpTimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`Pas de réponse de ${new URL(url).host} en ${timeoutMs} ms`);
    this.name = "HttpTimeoutError";
  }
}

export class HttpNetworkError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Échec réseau vers ${new URL(url).host}`, { cause });
    this.name = "HttpNetworkError";
  }
}

/** fetch with a hard timeout; network failures and timeouts become typed errors. */
export async function fetchWithTimeout(url: string, init: RequestInit & { timeoutMs: number }): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  const signal = rest.signal
    ? AbortSignal.any([rest.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const finished = startOutgoingCall();
  try {
    const response = await fetch(url, { ...rest, signal });
    observeExternalCall(url, outcomeOfStatus(response.status), seconds());
    return response;
  } catch (error) {
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      if (rest.signal?.aborted) throw error;
      observeExternalCall(url, "timeout", seconds());
      throw new HttpTimeoutError(url, timeoutMs);
    }
    observeExternalCall(url, "network_error", seconds());
    throw new HttpNetworkError(url, error);
  } finally {
    finished();
  }
}

/**
 * fetch as a library calls it (openid-client's token, userinfo and keys requests), recorded like
 * ours: its duration by system and outcome, and on the current request's outgoing-call clock. The
 * library keeps its own timeouts and error handling.
 */
export async function observedFetch(url: string, init: RequestInit): Promise<Response> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const finished = startOutgoingCall();
  try {
    const response = await fetch(url, init);
    observeExternalCall(url, outcomeOfStatus(response.status), seconds());
    return response;
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    observeExternalCall(url, timedOut ? "timeout" : "network_error", seconds());
    throw error;
  } finally {
    finished();
  }
}

export interface BackoffOptions {
  /** Attempts in total, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base·2^n)]. */
export function backoffDelay(
  attempt: number,
  { baseDelayMs, maxDelayMs, random = Math.random }: BackoffOptions,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `operation` while `isTransient(error)` says so, with backoff between
 * attempts. Permanent errors are thrown at once.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: BackoffOptions,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt + 1 >= options.attempts || !isTransient(error)) throw error;
      await sleep(backoffDelay(attempt, options));
    }
  }
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
