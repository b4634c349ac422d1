import { observeExternalCall, outcomeOfStatus, type ExternalCallOutcome } from "~/metrics/external-calls.server";
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
  const deadline = deadlineAfterPendingIo(timeoutMs);
  const signal = rest.signal ? AbortSignal.any([rest.signal, deadline]) : deadline;
  // A call the caller cancelled is neither the system's timeout nor its failure: not recorded.
  const outcomeOfFailure = (error: unknown): ExternalCallOutcome | null =>
    isAbort(error) ? (rest.signal?.aborted ? null : "timeout") : "network_error";
  try {
    return await recordedFetch(url, { ...rest, signal }, outcomeOfFailure);
  } catch (error) {
    if (isAbort(error)) {
      if (rest.signal?.aborted) throw error;
      throw new HttpTimeoutError(url, timeoutMs);
    }
    throw new HttpNetworkError(url, error);
  }
}

/**
 * A signal that times out after `timeoutMs`, but only once the I/O already received has been read.
 * `AbortSignal.timeout` fires in the event loop's timers phase, which a busy process reaches before
 * the poll phase that would read an answer already waiting in the socket: a worker that spent its
 * turn on database answers then drops a response that came in time, and retries a call the API has
 * already counted (January's duplicate calls, issue 20). Deferring the abort to the check phase
 * lets that poll phase run first; an answer that has not arrived by then still times out.
 */
function deadlineAfterPendingIo(timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  const expire = () => controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
  // Unref'd like AbortSignal.timeout's timer: a pending deadline never keeps the process alive.
  setTimeout(() => setImmediate(expire).unref(), timeoutMs).unref();
  return controller.signal;
}

/**
 * fetch as a library calls it (openid-client's token, userinfo and keys requests), recorded like
 * ours. The library keeps its own timeouts and error handling.
 */
export function observedFetch(url: string, init: RequestInit): Promise<Response> {
  return recordedFetch(url, init, (error) =>
    error instanceof DOMException && error.name === "TimeoutError" ? "timeout" : "network_error",
  );
}

const isAbort = (error: unknown) =>
  error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");

/**
 * One external call, recorded: its duration by system and outcome (`outcomeOfFailure` classes a
 * thrown error; null records nothing), and its time on the current request's outgoing-call clock.
 */
async function recordedFetch(
  url: string,
  init: RequestInit,
  outcomeOfFailure: (error: unknown) => ExternalCallOutcome | null,
): Promise<Response> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const finished = startOutgoingCall();
  try {
    const response = await fetch(url, init);
    observeExternalCall(url, outcomeOfStatus(response.status), seconds());
    return response;
  } catch (error) {
    const outcome = outcomeOfFailure(error);
    if (outcome) observeExternalCall(url, outcome, seconds());
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
