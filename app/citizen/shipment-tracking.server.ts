import { and, eq, isNull, notInArray, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { shipments } from "../../db/schema/index.ts";
import { HubeeError } from "~/integrations/hubee/errors.server";
import {
  FORMULAIRE_QF_PROCESS_CODE,
  type HubeeNotification,
  type HubeeSender,
} from "~/integrations/hubee/sender.server";
import { logger } from "~/utils/logger.server";

/** Statuses after which the commune has nothing more to say: the sender closes the case. */
export const FINAL_CASE_STATUSES = new Set(["DONE", "REFUSED"]);
const FINAL_STATUS_LIST = [...FINAL_CASE_STATUSES];
const BATCH = 25;
/** Notifications left in the queue within one run (failed or foreign) before the run gives up reading. */
const MAX_LEFT_IN_QUEUE = 500;
/** Pages read in one run at most: the next run, 30 s later, goes on, whatever HubEE keeps listing. */
const MAX_PAGES_PER_RUN = 40;

export interface TrackingCounts {
  events: number;
  closed: number;
  ignoredForeign: number;
  /** Notifications whose handling failed: left in the queue, tried again next run. */
  failed: number;
  /** Listed items without the shape of a notification: skipped and left in the queue. */
  malformed: number;
}

export interface TrackingOptions {
  batchSize?: number;
}

/**
 * Follows what communes report on delivered shipments by polling the sender's
 * HubEE notifications, filtered on FormulaireQF: the queue is shared with the
 * credential's other démarches, whose notifications are never deleted.
 *
 * Each notification is handled on its own and every step is idempotent (the
 * stored status is rewritten as is, the case and the folder are closed only if
 * HubEE does not already say CLOSED, an acknowledged event is not acknowledged
 * again): a notification whose handling fails stays in the queue and the next
 * run resumes it wherever the previous one stopped, without blocking the others.
 */
export async function trackShipmentStatuses(
  db: Database,
  sender: HubeeSender,
  options: TrackingOptions = {},
): Promise<TrackingCounts> {
  const batchSize = options.batchSize ?? BATCH;
  const counts: TrackingCounts = { events: 0, closed: 0, ignoredForeign: 0, failed: 0, malformed: 0 };
  // No cursor in HubEE: what stays in the queue (failed, foreign, malformed, or still listed after
  // its deletion) comes back at its head, so each page asks for that many more and skips them.
  // Every id is handled once per run; pages are capped, whatever HubEE keeps listing.
  const leftInQueue = new Set<string>();
  const seen = new Set<string>();
  for (let pages = 0; pages < MAX_PAGES_PER_RUN; pages++) {
    const maxResult = batchSize + leftInQueue.size;
    const page = await sender.listNotifications(maxResult, FORMULAIRE_QF_PROCESS_CODE);
    // What this page taught us: new notifications, or new ones known to stay at the head.
    let progress = 0;
    for (const { id, issues } of page.malformed) {
      if (id !== null && seen.has(id)) continue;
      if (id !== null) {
        seen.add(id);
        leftInQueue.add(id);
        progress++;
      }
      counts.malformed++;
      logger.warn(
        { notificationId: id, issues },
        "notification HubEE de suivi d’envoi mal formée, laissée dans la file",
      );
    }
    for (const { id } of page.notifications) {
      if (seen.has(id) && !leftInQueue.has(id)) {
        leftInQueue.add(id); // handled and deleted, yet listed again
        progress++;
      }
    }
    const fresh = page.notifications.filter((n) => !seen.has(n.id));
    progress += fresh.length;
    for (const notification of fresh) {
      seen.add(notification.id);
      if (notification.processCode !== FORMULAIRE_QF_PROCESS_CODE) {
        // Only if HubEE ignored the filter: another démarche's, not ours to delete.
        leftInQueue.add(notification.id);
        counts.ignoredForeign++;
        continue;
      }
      try {
        await handleNotification(db, sender, notification, counts);
        await deleteNotification(sender, notification.id);
      } catch (error) {
        leftInQueue.add(notification.id);
        counts.failed++;
        logger.warn(
          { notificationId: notification.id, caseId: notification.caseId, err: error },
          "notification HubEE de suivi d’envoi non traitée, nouvel essai au prochain passage",
        );
      }
    }
    const listed = page.notifications.length + page.malformed.length;
    if (listed < maxResult || progress === 0) return counts;
    if (leftInQueue.size >= MAX_LEFT_IN_QUEUE) {
      logger.error(
        { left: leftInQueue.size },
        "trop de notifications HubEE de suivi d’envoi en échec : arrêt du passage",
      );
      return counts;
    }
  }
  logger.warn(
    { pages: MAX_PAGES_PER_RUN },
    "suivi des envois HubEE : limite de pages atteinte, suite au prochain passage",
  );
  return counts;
}

async function handleNotification(
  db: Database,
  sender: HubeeSender,
  notification: HubeeNotification,
  counts: TrackingCounts,
): Promise<void> {
  // The sender is only notified of events; anything else has nothing to follow.
  if (!notification.eventId) return;
  const { caseId, eventId } = notification;
  const event = await sender.getEvent(caseId, eventId);
  const newStatus = event.caseNewStatus ?? null;
  if (event.actionType === "STATUS_UPDATE" && newStatus) {
    const final = FINAL_CASE_STATUSES.has(newStatus);
    // A final DONE/REFUSED stays: closing the case (or a late event) must not hide what the commune decided.
    await db
      .update(shipments)
      .set({
        hubeeCaseStatus: newStatus,
        ...(final ? { finalStatusAt: sql`coalesce(${shipments.finalStatusAt}, now())` } : {}),
      })
      .where(
        and(
          eq(shipments.hubeeCaseId, caseId),
          or(isNull(shipments.hubeeCaseStatus), notInArray(shipments.hubeeCaseStatus, FINAL_STATUS_LIST)),
        ),
      );
    if (final) {
      const [shipment] = await db
        .select({ folderId: shipments.hubeeFolderId })
        .from(shipments)
        .where(eq(shipments.hubeeCaseId, caseId));
      if (shipment) {
        await closeCase(sender, caseId, newStatus);
        if (shipment.folderId) await closeFolder(sender, shipment.folderId);
        counts.closed++;
      }
    }
  }
  if (event.status !== "RECEIVED") await sender.acknowledgeEvent(caseId, eventId);
  counts.events++;
}

/**
 * Closes the case as the national form does: the status to CLOSED, then a STATUS_UPDATE event
 * from the final status to CLOSED, notified to the commune. Each step is skipped when HubEE shows
 * it done, so a run that stopped halfway finishes the job without doing anything twice.
 */
async function closeCase(sender: HubeeSender, caseId: string, finalStatus: string): Promise<void> {
  const before = await sender.getCaseWithEvents(caseId);
  if (before.status !== "CLOSED") {
    try {
      await sender.closeCase(caseId);
    } catch (error) {
      // A refusal may only mean someone closed it meanwhile: read again before giving up.
      if (!(isRefusal(error) && (await sender.getCase(caseId)).status === "CLOSED")) throw error;
    }
  }
  const reported = before.events.some((e) => e.actionType === "STATUS_UPDATE" && e.caseNewStatus === "CLOSED");
  if (!reported) await sender.reportCaseClosed(caseId, finalStatus);
}

/**
 * Closes the folder once its case is closed. Sent even when the folder already shows CLOSED (its
 * status follows its single case), as the reference form does; a refusal is fine if it is CLOSED.
 */
async function closeFolder(sender: HubeeSender, folderId: string): Promise<void> {
  try {
    await sender.closeFolder(folderId);
  } catch (error) {
    if (isRefusal(error) && (await sender.getFolder(folderId)).globalStatus === "CLOSED") return;
    throw error;
  }
}

async function deleteNotification(sender: HubeeSender, notificationId: string): Promise<void> {
  try {
    await sender.deleteNotification(notificationId);
  } catch (error) {
    // Already gone (a concurrent run deleted it): the goal is reached.
    if (error instanceof HubeeError && error.status === 404) return;
    throw error;
  }
}

const isRefusal = (error: unknown) => error instanceof HubeeError && !error.transient;

/** What may be logged of an error: its kind and HubEE's technical message (ids, never personal data). */
