import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "~/utils/process-singleton.server";

/**
 * The wall-clock time one request spends waiting on external systems (FranceConnect, API
 * Particulier, HubEE): the union of its calls' intervals, so that calls made side by side (the
 * attachments of a HubEE case) count once. It is what separates our own time from the services'
 * in the request's log line and in its Server-Timing header.
 */
export class OutgoingCallClock {
  private inFlight = 0;
  private busySince = 0;
  private busyMs = 0;

  /** Marks a call as started; the returned function marks it finished (call it exactly once). */
  start(): () => void {
    if (this.inFlight++ === 0) this.busySince = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
    };
  }

  /** Time spent with at least one call in flight so far (ms), calls still running included. */
  elapsedMs(): number {
    return this.busyMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0);
  }
}

/** One store per process: the Remix build's copy of this module must see the clock server.ts opened. */
const store = processSingleton("outgoing-call-clock", () => new AsyncLocalStorage<OutgoingCallClock>());

/** Runs `fn` (a request's handling) with `clock` counting the external calls made during it. */
export function runWithOutgoingCallClock<T>(clock: OutgoingCallClock, fn: () => T): T {
  return store.run(clock, fn);
}

/** Marks an external call as started on the current request's clock, if any (jobs have none). */
export function startOutgoingCall(): () => void {
  return store.getStore()?.start() ?? noop;
}

const noop = () => {};
