import type { Router } from "express";
import { principalOf } from "../auth.ts";
import { notFound } from "../errors.ts";
import { registerOperation, type ApiContext } from "../operations.ts";
import { validatedQuery } from "../request-validation.ts";
import { listSubscriptions, processCodesOf, type SubscriptionFilter } from "../subscriptions.ts";
import { subscriptionView } from "../views.ts";

/**
 * Referential API, read side: an OSL finds which SIs are subscribed to the
 * démarches it sends (e.g. `?processCode=FormulaireQF&status=Actif`).
 */
export function registerSubscriptionRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx;

  registerOperation(router, ctx, "listSubscription", (_req, res) => {
    const visible = processCodesOf(store, principalOf(res).organization);
    const { page, offset, total } = listSubscriptions(store, visible, validatedQuery(res) as SubscriptionFilter);
    const last = page.length ? offset + page.length - 1 : offset;
    res.setHeader("Content-Range", `Subscriptions ${offset}-${last}/${total}`);
    res.json(page.map(subscriptionView));
  });

  registerOperation(router, ctx, "getSubscriptionById", (req, res) => {
    const visible = processCodesOf(store, principalOf(res).organization);
    const subscription = store.subscriptions.find(
      (s) => s.id === req.params.subscriptionId && s.subscriber.type === "SI" && visible.includes(s.processCode),
    );
    if (!subscription) throw notFound("Subscription is not found");
    res.json(subscriptionView(subscription));
  });
}
