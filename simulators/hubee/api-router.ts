import express, { type Router } from "express";
import type { FaultInjector } from "../shared/faults.ts";
import { HubeeError, hubeeErrorHandler } from "./errors.ts";
import { registerOperation, type ApiContext } from "./operations.ts";
import { registerCaseRoutes } from "./routes/case-routes.ts";
import { registerEventRoutes } from "./routes/event-routes.ts";
import { registerFolderRoutes } from "./routes/folder-routes.ts";
import { registerNotificationRoutes } from "./routes/notification-routes.ts";
import { registerSubscriptionRoutes } from "./routes/subscription-routes.ts";

/**
 * api.hubee.numerique.gouv.fr: `/teledossiers/v1/…` and `/referential/v1/…`.
 * Fault injection comes first, as a failing gateway would.
 */
export function createApiRouter(ctx: ApiContext, faults: FaultInjector): Router {
  const router = express.Router();
  router.use(faults.middleware());

  registerFolderRoutes(router, ctx);
  registerCaseRoutes(router, ctx);
  registerEventRoutes(router, ctx);
  registerNotificationRoutes(router, ctx);
  registerSubscriptionRoutes(router, ctx);

  // The rest of the spec (migration, purge, event attachments, subscription
  // writes) exists, with its auth and validation, but is not simulated.
  for (const op of ctx.spec.operations) {
    if (ctx.registered.has(op.operationId)) continue;
    registerOperation(router, ctx, op.operationId, () => {
      throw new HubeeError(501, `${op.operationId} is not implemented by the HubEE simulator`);
    });
  }

  router.use((req, _res, next) => {
    const knownPath = ctx.spec.operations.some(
      (op) => req.path.startsWith(op.basePath) && op.pathPattern.test(req.path.slice(op.basePath.length)),
    );
    next(
      knownPath
        ? new HubeeError(405, "Method not allowed")
        : new HubeeError(404, "No matching resource found for given API Request", 900906),
    );
  });
  router.use(hubeeErrorHandler);
  return router;
}
