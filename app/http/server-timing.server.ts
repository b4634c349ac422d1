import type { RequestHandler } from "express";
import type { OutgoingCallClock } from "~/metrics/outgoing-call-time.server";

/**
 * Server-Timing (W3C) on every response, written as its headers leave: `total`, our time so far,
 * and `external`, the part of it spent waiting on external systems (requestContext's clock). A load
 * test takes `external` out of its step times to judge our own code; developer tools show both.
 * Loaders and actions have run by then; a page still streaming makes no external call.
 */
export function serverTiming(): RequestHandler {
  return (_req, res, next) => {
    const started = performance.now();
    const writeHead = res.writeHead as (...args: unknown[]) => typeof res;
    // Every response goes through writeHead, explicitly or from its first write or end.
    res.writeHead = function (this: typeof res, ...args: unknown[]) {
      if (!this.headersSent) {
        const clock = res.locals.outgoingCalls as OutgoingCallClock | undefined;
        const total = `total;dur=${(performance.now() - started).toFixed(1)}`;
        this.setHeader(
          "Server-Timing",
          clock ? `${total}, external;dur=${clock.elapsedMs().toFixed(1)};desc="Appels sortants"` : total,
        );
      }
      return writeHead.apply(this, args);
    } as typeof res.writeHead;
    next();
  };
}
