import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line written on behalf of one request or one job run carries. */
export interface LogContext {
  requestId?: string;
  job?: string;
}

/**
 * One store per process, kept on globalThis: the Remix build bundles its own copy of app/
 * modules while server.ts and the worker import them directly, and both copies must see the
 * context the Express middleware opened.
 */
const STORE_KEY = Symbol.for("portail-qf.log-context");
const store = ((globalThis as Record<symbol, unknown>)[STORE_KEY] ??=
  new AsyncLocalStorage<LogContext>()) as AsyncLocalStorage<LogContext>;

/** Runs `fn` so that every log line written during it (awaits included) carries `context`. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return store.run({ ...store.getStore(), ...context }, fn);
}

/** The fields of the current request or job, for the logger's mixin. */
export function currentLogContext(): LogContext {
  return store.getStore() ?? {};
}
