import type { StatusAction } from "./family-status";

/**
 * The HubEE side of the agents' status actions: which HubEE statuses a case walks through, and
 * the messages the sender (hence the citizen) reads. Pure, shared by the agent's request
 * (family-status-change.server.ts) and the worker's owed reports (owed-status-reports.server.ts).
 */

/**
 * HubEE statuses an agent's action leads to. A case in one of them whose `status_reported_at`
 * is null owes HubEE a report (the ingestion's SI_RECEIVED report uses the same column).
 */
export const AGENT_REPORTED_STATUSES: readonly string[] = ["IN_PROGRESS", "DONE", "REFUSED"];

/** Cases still open on the commune's side: a status action moves every one of them. */
export const OPEN_STATUSES: readonly string[] = ["SI_RECEIVED", "IN_PROGRESS", "ADD_AWAITING"];

/** Position in HubEE's case life cycle (specs §3), on the path the portal's agents walk. */
const RANK: Record<string, number> = { SI_RECEIVED: 0, IN_PROGRESS: 1, ADD_AWAITING: 1, DONE: 2, REFUSED: 2 };

export interface HubeeStep {
  from: string;
  to: string;
}

/**
 * The allowed transitions taking a case from `from` to `target`: empty when it is already there,
 * null when it cannot get there (the case went another way, e.g. SI_INTG_ERROR or DONE vs REFUSED).
 */
export function hubeePath(from: string, target: string): HubeeStep[] | null {
  if (from === target) return [];
  // The sender closes a case only once it has its final status: a final report is then moot.
  if (from === "CLOSED" && RANK[target] === 2) return [];
  const a = RANK[from];
  const b = RANK[target];
  if (a === undefined || b === undefined || a > b) return null;
  if (a === b) return target === "IN_PROGRESS" ? [] : null;
  const steps: HubeeStep[] = [];
  let current = from;
  if (a === 0) {
    steps.push({ from: "SI_RECEIVED", to: "IN_PROGRESS" });
    current = "IN_PROGRESS";
  }
  if (b === 2) steps.push({ from: current, to: target });
  return steps;
}

/** What the sender (hence the citizen) reads; a refusal carries the agent's own message. */
export const DEFAULT_MESSAGES: Record<Exclude<StatusAction, "refuser">, string> = {
  prendre: "Votre demande est en cours de traitement par la commune.",
  traiter: "Votre demande a été traitée par la commune.",
};

/** The message of a step the agent did not word (an intermediate step, or a replay without it). */
export const defaultMessageFor = (status: string) =>
  status === "DONE"
    ? DEFAULT_MESSAGES.traiter
    : status === "REFUSED"
      ? "Votre demande a été refusée par la commune."
      : DEFAULT_MESSAGES.prendre;

/** The author HubEE shows for the commune's status events. */
export const authorFor = (collectivityName?: string) =>
  collectivityName ? `Portail QF (${collectivityName})` : "Portail QF";
