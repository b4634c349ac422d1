import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "~/utils/process-singleton.server";

/**
 * Reads computed once per HTTP request and shared by every loader it runs. Remix runs the loaders
 * of a page's nested routes side by side, and each checks the agent's session and membership
 * first: a portal page read the same session and membership rows twice, two round trips of its
 * thirteen (issue 20: a web process's CPU per page is the agents' capacity).
 *
 * Only for GET and HEAD: an action may change what was read (a logout revokes the session), and
 * Remix runs the loaders after it within the same request. Without a request (tests calling a
 * loader directly, jobs), nothing is shared.
 */
// One store per process (ADR 038): server.ts opens it, the Remix build's copy of this module reads it.
const storage = processSingleton("request-memo", () => new AsyncLocalStorage<Map<string, Promise<unknown>>>());

export function runWithRequestMemo<T>(method: string, run: () => T): T {
  return method === "GET" || method === "HEAD" ? storage.run(new Map(), run) : run();
}

/** `compute()` once per request and `key`; its promise (settled or not) is shared, a failure too. */
export function memoizedForRequest<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const memo = storage.getStore();
  if (!memo) return compute();
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = compute();
    memo.set(key, value);
  }
  return value;
}
