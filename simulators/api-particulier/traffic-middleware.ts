import type { RequestHandler } from "express";
import type { QfDeps } from "./qf-deps.ts";
import { startExchange } from "./qf-exchange.ts";
import type { QfRoute } from "./traffic-stats.ts";

/**
 * First middleware of a QF route: counts the arrival (before any refusal, so the
 * per-second peak is the client's real pace) and logs the outcome once the
 * connection closes, answered or not.
 */
export function trackTraffic(route: QfRoute, deps: QfDeps): RequestHandler {
  return (req, res, next) => {
    const now = deps.now();
    const exchange = startExchange(req, res, route, now);
    deps.stats.recordArrival(exchange.token, route === "identite" ? "api_particulier" : "franceconnect", now);
    res.on("close", () => {
      const answered = res.writableFinished;
      deps.stats.recordCompletion({
        at: new Date(exchange.startedAt).toISOString(),
        route,
        token: exchange.token,
        tokenLabel: exchange.tokenLabel,
        status: answered ? res.statusCode : null,
        durationMs: deps.now() - exchange.startedAt,
        identityKey: exchange.identityKey,
        outcome: answered ? exchange.outcome : "no_answer",
        query: req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?") + 1) : "",
      });
    });
    next();
  };
}
