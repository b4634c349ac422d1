import { badRequest } from "./errors.ts";
import type { CaseStatus } from "./model.ts";

/**
 * The case life cycle (README §3): HUBEE_NOTIFIED → SENT (HubEE, when the SI
 * first reads the case) → SI_RECEIVED → IN_PROGRESS ⇄ ADD_AWAITING → DONE |
 * REFUSED → CLOSED (by the sender). SI_INTG_ERROR when the SI cannot integrate
 * the case. Anything else is refused, so clients cannot skip steps that
 * HubEE relies on.
 */

/** Who may cause a transition: HubEE itself, the receiving SI, or the sending OSL. */
export type Actor = "hubee" | "recipient" | "transmitter";

const TRANSITIONS: Partial<Record<CaseStatus, Partial<Record<CaseStatus, Actor>>>> = {
  HUBEE_RECEIVED: { HUBEE_NOTIFIED: "hubee" },
  HUBEE_NOTIFIED: { SENT: "hubee" },
  SENT: { SI_RECEIVED: "recipient", SI_INTG_ERROR: "recipient" },
  SI_RECEIVED: { IN_PROGRESS: "recipient", SI_INTG_ERROR: "recipient" },
  // The SI fixed what prevented integration and takes the case again.
  SI_INTG_ERROR: { SI_RECEIVED: "recipient", CLOSED: "transmitter" },
  IN_PROGRESS: { ADD_AWAITING: "recipient", DONE: "recipient", REFUSED: "recipient" },
  ADD_AWAITING: { IN_PROGRESS: "recipient", DONE: "recipient", REFUSED: "recipient" },
  DONE: { CLOSED: "transmitter" },
  REFUSED: { CLOSED: "transmitter" },
};

export const CASE_STATUSES: CaseStatus[] = [
  "HUBEE_RECEIVED",
  "HUBEE_COMPLETED",
  "HUBEE_NOTIFIED",
  "SENT",
  "SI_RECEIVED",
  "SI_INTG_ERROR",
  "IN_PROGRESS",
  "ADD_AWAITING",
  "REFUSED",
  "DONE",
  "CLOSED",
];

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === "string" && (CASE_STATUSES as string[]).includes(value);
}

export function allowedTransitions(from: CaseStatus, actor: Actor): CaseStatus[] {
  return Object.entries(TRANSITIONS[from] ?? {})
    .filter(([, who]) => who === actor)
    .map(([to]) => to as CaseStatus);
}

/** Throws the 400 HubEE gives for a transition the actor may not make. */
export function assertTransition(from: CaseStatus, to: string, actor: Actor): asserts to is CaseStatus {
  if (!isCaseStatus(to)) throw badRequest(`Unknown case status ${to}`);
  const allowed = allowedTransitions(from, actor);
  if (!allowed.includes(to)) {
    const expected = allowed.length ? allowed.join(", ") : "none";
    throw badRequest(`Illegal case status transition ${from} -> ${to} (allowed from ${from}: ${expected})`);
  }
}
