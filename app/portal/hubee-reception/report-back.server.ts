import { eq } from "drizzle-orm";
import { receivedCases, type ReceivedCase } from "../../../db/schema/index.ts";
import type { SiCase, SiNotification } from "~/integrations/hubee/receiver.server";
import { AGENT_REPORTED_STATUSES } from "../family-files/hubee-case-path";
import type { InboxRun } from "./inbox-run";

/**
 * What the SI tells HubEE back: the case was received or could not be integrated, and the
 * notification was handled (deleted from the queue).
 */

/** Statuses from which the SI reports its reception (HubEE moves NOTIFIED → SENT when we read the case). */
const AWAITING_RECEPTION = new Set(["HUBEE_NOTIFIED", "SENT"]);

const HUBEE_MESSAGES = {
  SI_RECEIVED: "Télédossier reçu et intégré par la commune.",
  // Sent to the sender, hence to the citizen: a generic reason, never data from the file.
  SI_INTG_ERROR: "La commune n’a pas pu intégrer ce télédossier : fichier illisible ou altéré.",
} as const;

/** Removes a handled notification from the queue: HubEE's sign that the SI took it. */
export async function deleteNotification(ctx: InboxRun, notification: SiNotification) {
  try {
    await ctx.receiver.deleteNotification(notification.id);
  } catch (error) {
    // Another run (or an agent's "Relever maintenant") deleted it first: the goal is reached.
    if ((error as { status?: number }).status === 404) return;
    throw error;
  }
}

/**
 * Tells HubEE the case was received (SI_RECEIVED) or could not be integrated (SI_INTG_ERROR):
 * event then case status. Safe to replay: the case's status and events in HubEE say which steps
 * a previous run already did.
 */
export async function reportReception(ctx: InboxRun, row: ReceivedCase, fetched: SiCase | null) {
  // Reported already, or an agent moved the case on since (the reception was reported before
  // they could): a status report the agent's action still owes is completeOwedStatusReports's.
  if (row.statusReportedAt || AGENT_REPORTED_STATUSES.includes(row.hubeeStatus)) return;
  const target = row.ingestionError ? "SI_INTG_ERROR" : "SI_RECEIVED";
  const kase = fetched ?? (await ctx.receiver.getCase(row.hubeeCaseId));
  if (AWAITING_RECEPTION.has(kase.status)) {
    const eventSent = kase.events.some((e) => e.actionType === "STATUS_UPDATE" && e.caseNewStatus === target);
    if (!eventSent) {
      await ctx.receiver.postStatusEvent(kase.id, {
        caseCurrentStatus: kase.status,
        caseNewStatus: target,
        author: ctx.author,
        message: HUBEE_MESSAGES[target],
      });
    }
    await ctx.receiver.updateCaseStatus(kase.id, target);
  }
  // Otherwise HubEE already has it, or an agent moved the case on since: nothing to report.
  const reportedStatus = AWAITING_RECEPTION.has(kase.status) ? target : kase.status;
  await ctx.db
    .update(receivedCases)
    .set({ statusReportedAt: ctx.now(), hubeeStatus: reportedStatus, updatedAt: ctx.now() })
    .where(eq(receivedCases.id, row.id));
}
