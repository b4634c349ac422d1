import type { Router } from "express";
import { caseOfParty } from "../access.ts";
import { principalOf } from "../auth.ts";
import { acknowledgeEvent, createEvent, type EventInput } from "../case-service.ts";
import { notFound } from "../errors.ts";
import { partnerInfoOf, registerOperation, type ApiContext, type OperationHandler } from "../operations.ts";
import { eventView } from "../views.ts";

/** `/cases/{caseId}/events…`: each side reports to the other and acknowledges what it receives. */
export function registerEventRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx;

  registerOperation(router, ctx, "createEvent", (req, res) => {
    const principal = principalOf(res);
    const { folder, kase, party } = caseOfParty(store, principal, req.params.caseId);
    const input = req.body as EventInput;
    const event = createEvent(store, folder, kase, party, principal.organization, input, partnerInfoOf(req), ctx.now());
    res.status(201).json(eventView(event, party));
  });

  const findEvent = (caseId: string, eventId: string, res: Parameters<OperationHandler>[1]) => {
    const { kase, party } = caseOfParty(store, principalOf(res), caseId);
    const event = kase.events.find((e) => e.id === eventId);
    if (!event) throw notFound("event is not found");
    return { event, party };
  };

  registerOperation(router, ctx, "getEventById", (req, res) => {
    const { event, party } = findEvent(req.params.caseId, req.params.eventId, res);
    res.json(eventView(event, party));
  });

  const update: OperationHandler = (req, res) => {
    const { event } = findEvent(req.params.caseId, req.params.eventId, res);
    const status = (req.body as { status?: string } | undefined)?.status;
    acknowledgeEvent(event, principalOf(res).organization, status, ctx.now());
    res.status(204).end();
  };
  registerOperation(router, ctx, "updateEvent", update);
  registerOperation(router, ctx, "updateEventWithPost", update);
}
