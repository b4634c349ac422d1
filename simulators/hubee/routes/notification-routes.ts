import type { Router } from "express";
import { principalOf } from "../auth.ts";
import { badRequest } from "../errors.ts";
import { deleteNotification, notificationsFor } from "../notifications.ts";
import { registerOperation, type ApiContext } from "../operations.ts";
import { validatedQuery } from "../request-validation.ts";
import { notificationView } from "../views.ts";

/** Without maxResult HubEE returns a bounded page too; clients poll again until a short page. */
export const DEFAULT_MAX_RESULT = 100;

/** `/notifications`: each organisation's queue, whatever its role (OSL or SI). */
export function registerNotificationRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx;

  registerOperation(router, ctx, "listNotification", (_req, res) => {
    const query = validatedQuery(res);
    const maxResult = (query.maxResult as number | undefined) ?? DEFAULT_MAX_RESULT;
    if (!Number.isInteger(maxResult) || maxResult < 1) throw badRequest("maxResult must be a positive integer");
    const page = notificationsFor(store, principalOf(res).organization, {
      processCode: query.processCode as string[] | undefined,
      processPriority: query.processPriority as string[] | undefined,
      maxResult,
    });
    res.json(page.map((n) => notificationView(store, n, query.eventDetails === true)));
  });

  registerOperation(router, ctx, "deleteNotification", (req, res) => {
    deleteNotification(store, principalOf(res).organization, req.params.notificationId);
    res.status(204).end();
  });
}
