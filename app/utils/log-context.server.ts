import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "./process-singleton.server";

/** What every log line written on behalf of one request or one job run carries. */
export interface LogContext {
  requestId?: string;
  job?: string;
}

/** One store per process: the Remix build's copy of this module must see the context server.ts opened. */
const store = processSingleton("log-context", () => new AsyncLocalStorage<LogContext>());

/** Runs `fn` so that every log line written during it (awaits included) carries `context`. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return store.run({ ...store.getStore(), ...context }, fn);
}

/** The fields of the current request or job, for the logger's mixin. */
export function currentLogContext(): LogContext {
  return store.getStore() ?? {};
}
