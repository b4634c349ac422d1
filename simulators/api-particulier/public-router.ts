import express, { type ErrorRequestHandler, type Router } from "express";
import { apiErrors, sendErrors } from "./errors.ts";
import { FRANCE_CONNECT_PATH, prepareFranceConnect } from "./france-connect-route.ts";
import { IDENTITE_PATH, prepareIdentite } from "./identite-route.ts";
import { deliverAnswer } from "./qf-answer.ts";
import type { QfDeps } from "./qf-deps.ts";
import { rateLimit } from "./rate-limit-middleware.ts";
import { trackTraffic } from "./traffic-middleware.ts";

/**
 * The two QF routes, each a chain in the order API Particulier applies things:
 * network jitter (injected) → count → rate limit (headers on every answer) → token,
 * habilitation, parameters → provider faults (latency, 502/504, no answer) → provider answer.
 * Jitter comes first because it stands for the network: the API only sees a request, and
 * counts it against the limit, once it has crossed it.
 */
export function createPublicRouter(deps: QfDeps): Router {
  const router = express.Router();
  const jitter = deps.faults.jitterMiddleware();
  const faults = deps.faults.middleware();
  router.get(
    IDENTITE_PATH,
    jitter,
    trackTraffic("identite", deps),
    rateLimit(deps),
    prepareIdentite(deps),
    faults,
    deliverAnswer,
  );
  router.get(
    FRANCE_CONNECT_PATH,
    jitter,
    trackTraffic("france_connect", deps),
    rateLimit(deps),
    prepareFranceConnect(deps),
    faults,
    deliverAnswer,
  );
  router.use((_req, res) => sendErrors(res, 404, [apiErrors.routeNotFound()]));
  router.use(internalErrorHandler);
  return router;
}

const internalErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  console.error("[api-particulier simulator]", error);
  sendErrors(res, 500, [apiErrors.internalError()]);
};
