import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import { receivedCases, type ReceivedCase } from "../../../db/schema/index.ts";
import { isTransientHubeeError } from "~/integrations/hubee/errors.server";
import type { HubeeReceiver, MalformedNotification, SiNotification } from "~/integrations/hubee/receiver.server";
import { FORMULAIRE_QF_PROCESS_CODE } from "~/integrations/hubee/sender.server";
import { forEachBounded } from "~/utils/bounded-concurrency";
import { logger } from "~/utils/logger.server";
import { completeOwedStatusReports } from "../family-files/owed-status-reports.server";
import type { InboxCollectivity, InboxRun, IngestionCounts, IngestionOptions } from "./inbox-run";
import { receiveCase } from "./receive-case.server";
import { deleteNotification, reportReception } from "./report-back.server";
import { storeCase } from "./store-family.server";

/**
 * Reads a commune's HubEE inbox as its software would (README §3, SI side) and turns each
 * FormulaireQF case into a family file.
 *
 * Idempotent by construction: a case is stored once (unique HubEE case id, in the same
 * transaction as its family and attachments); every later step (status report, notification
 * deletion) is checked against what HubEE and the database already hold, so a notification seen
 * twice, or a run that stopped between two steps, is simply finished by the next run.
 * Personal data never goes to the logs: ids and counts only.
 */

/**
 * Cases of one commune fetched at once (each holds a database connection only to store). A case
 * costs five HubEE round trips one after the other: at 50 ms per call plus our own time, 6 at once
 * read ≈ 41 folders/s on one worker with 4 communes, 12 at once ≈ 58 (bench/RESULTS.md).
 */
export const CASES_IN_PARALLEL = 12;
/**
 * A page is a whole number of rounds of CASES_IN_PARALLEL: the next page is listed only once this
 * one is done, so a last round of one case (25 with 6 at once) left the other lanes idle.
 */
export const INBOX_BATCH_SIZE = 2 * CASES_IN_PARALLEL;
/** A run stops after this many pages, so one commune cannot hold the worker for ever. */
export const MAX_BATCHES_PER_RUN = 40;
/**
 * A run stops once this many notifications are left at the head of the queue: pages would keep
 * growing (each asks for INBOX_BATCH_SIZE more than those) for what is by then a HubEE problem.
 */
const MAX_LEFT_IN_QUEUE = 200;

export async function ingestCommuneInbox(
  db: DbExecutor,
  receiver: HubeeReceiver,
  collectivity: InboxCollectivity,
  options: IngestionOptions = {},
): Promise<IngestionCounts> {
  const counts: IngestionCounts = { cases: 0, alreadyStored: 0, errors: 0, events: 0, failed: 0, ignoredForeign: 0 };
  const context: InboxRun = {
    db,
    receiver,
    collectivity,
    author: options.author ?? (collectivity.name ? `Portail QF (${collectivity.name})` : "Portail QF"),
    now: options.now ?? (() => new Date()),
    counts,
  };
  // No cursor in HubEE: what a run leaves in the queue (failed, foreign or malformed
  // notifications) stays at its head. Each page therefore asks for that many more, so those never
  // hide the ones behind them, and every id is handled once per run. The run ends on a short
  // page, a page that taught nothing new, too many left behind, or MAX_BATCHES_PER_RUN pages.
  const seen = new Set<string>();
  const leftInQueue = new Set<string>();
  // Malformed items without a usable id cannot be told apart: the most seen on one page.
  let unidentified = 0;
  let hubeeStruggling = false;
  // A malformed item is skipped and NOT deleted: we cannot know what it announced (a citizen's
  // case, a sender's event), and deleting it would lose that for good. Left in the queue, it
  // is counted as failed and logged on every run until HubEE lists it in a shape we can read.
  const reportMalformed = (item: MalformedNotification) => {
    counts.failed++;
    // Ids and field paths only: the item's values may identify people or organisations.
    logger.warn(
      { collectivityId: collectivity.id, notificationId: item.id, issues: item.issues },
      "notification HubEE mal formée, laissée dans la file",
    );
  };

  for (let page = 0; page < MAX_BATCHES_PER_RUN; page++) {
    const maxResult = INBOX_BATCH_SIZE + leftInQueue.size + unidentified;
    const { notifications, malformed } = await receiver.listNotifications({
      maxResult,
      processCode: FORMULAIRE_QF_PROCESS_CODE,
    });
    let progress = 0;
    for (const item of malformed) {
      if (item.id === null || seen.has(item.id)) continue;
      seen.add(item.id);
      leftInQueue.add(item.id);
      progress++;
      reportMalformed(item);
    }
    // Items without an id cannot be told apart: those beyond the most seen on one page are new.
    const newUnidentified = malformed.filter((m) => m.id === null).slice(unidentified);
    newUnidentified.forEach(reportMalformed);
    unidentified += newUnidentified.length;
    progress += newUnidentified.length;
    for (const { id } of notifications) {
      // Handled and deleted, yet listed again: it takes a place at the head of the next page too.
      if (seen.has(id) && !leftInQueue.has(id)) {
        leftInQueue.add(id);
        progress++;
      }
    }
    const fresh = notifications.filter((n) => !seen.has(n.id));
    progress += fresh.length;
    let interrupted = false;
    const handle = async (notification: SiNotification, order?: StoreOrder) => {
      try {
        if (notification.eventId) await handleEventNotification(context, notification);
        else await handleCaseNotification(context, notification, order);
      } catch (error) {
        leftInQueue.add(notification.id);
        counts.failed++;
        logger.warn(
          {
            collectivityId: collectivity.id,
            notificationId: notification.id,
            caseId: notification.caseId,
            err: error,
          },
          "notification HubEE non traitée, nouvel essai au prochain relevé",
        );
        // HubEE is struggling (5xx, timeout, token service): leave the rest for the next run.
        if (isTransientHubeeError(error)) {
          interrupted = true;
          hubeeStruggling = true;
        }
      } finally {
        // A case that failed before its turn to store must not hold the ones behind it.
        order?.onStored();
      }
    };
    const mine: SiNotification[] = [];
    for (const notification of fresh) {
      seen.add(notification.id);
      // HubEE filters on processCode, but the queue is shared by the credential's démarches:
      // never touch another démarche's notification.
      if (notification.processCode !== FORMULAIRE_QF_PROCESS_CODE) {
        leftInQueue.add(notification.id);
        counts.ignoredForeign++;
      } else {
        mine.push(notification);
      }
    }
    // A case costs about seven HubEE calls one after the other: with a real HubEE's latency, one at a
    // time would read a few cases per second. Cases are fetched side by side, but stored one after
    // the other in the list's order (two cases of one family must apply in the order HubEE lists
    // them, as they did one at a time); events follow, in order, so one about a case of this page
    // finds it stored.
    const cases = mine.filter((n) => !n.eventId);
    const stored = cases.map(() => deferred());
    await forEachBounded(
      cases.map((notification, index) => ({ notification, index })),
      CASES_IN_PARALLEL,
      ({ notification, index }) => {
        const storeAfter = index === 0 ? Promise.resolve() : stored[index - 1]!.promise;
        return handle(notification, {
          storeAfter,
          // Never before the previous case's turn has ended, even when this one failed before its
          // own turn: otherwise the cases behind it would store side by side with an earlier one.
          onStored: () => void storeAfter.then(stored[index]!.resolve),
        });
      },
      () => interrupted,
    );
    await forEachBounded(
      mine.filter((n) => n.eventId),
      1,
      (notification) => handle(notification),
      () => interrupted,
    );
    const listed = notifications.length + malformed.length;
    if (interrupted || listed < maxResult || progress === 0) break;
    if (leftInQueue.size + unidentified >= MAX_LEFT_IN_QUEUE) {
      logger.error(
        { collectivityId: collectivity.id, left: leftInQueue.size + unidentified },
        "trop de notifications HubEE laissées dans la file : arrêt du relevé",
      );
      break;
    }
  }
  // Agents' status changes HubEE has not been told of yet (it was down, or a request stopped
  // half-way): every run finishes them.
  if (!hubeeStruggling) {
    await completeOwedStatusReports(db, receiver, collectivity, { author: context.author, now: context.now() });
  }
  return counts;
}

async function handleEventNotification(ctx: InboxRun, notification: SiNotification) {
  const { caseId, eventId } = notification;
  if (!caseId || !eventId) {
    await deleteNotification(ctx, notification);
    return;
  }
  const event = await ctx.receiver.getEvent(caseId, eventId);
  if (event.actionType === "STATUS_UPDATE" && event.caseNewStatus) {
    // The sender moved the case (e.g. CLOSED once the commune gave its final status).
    await ctx.db
      .update(receivedCases)
      .set({ hubeeStatus: event.caseNewStatus, updatedAt: ctx.now() })
      .where(and(eq(receivedCases.hubeeCaseId, caseId), eq(receivedCases.collectivityId, ctx.collectivity.id)));
  }
  if (event.status !== "RECEIVED") await ctx.receiver.acknowledgeEvent(caseId, eventId);
  await deleteNotification(ctx, notification);
  ctx.counts.events++;
}

async function findStoredCase(db: DbExecutor, hubeeCaseId: string): Promise<ReceivedCase | undefined> {
  const [row] = await db.select().from(receivedCases).where(eq(receivedCases.hubeeCaseId, hubeeCaseId));
  return row;
}

/** Where a case's store step stands in the page's order: after the previous case's, then say so. */
interface StoreOrder {
  storeAfter: Promise<void>;
  onStored: () => void;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

async function handleCaseNotification(
  ctx: InboxRun,
  notification: SiNotification,
  order: StoreOrder = { storeAfter: Promise.resolve(), onStored: () => {} },
) {
  const caseId = notification.caseId;
  if (!caseId) {
    // Nothing to fetch: a notification without a case cannot be acted upon.
    order.onStored();
    await deleteNotification(ctx, notification);
    return;
  }

  // Fetched side by side with the page's other cases: HubEE calls only, no database. A case stored
  // by an earlier run is fetched again for nothing (rare: its notification was not deleted).
  const fetched = await ctx.receiver.getCase(caseId);
  const reception = await receiveCase(ctx, fetched);
  // Stored one after the other, in the page's order: the database sees one case at a time.
  await order.storeAfter;
  let row: ReceivedCase | undefined;
  let storedNow = false;
  try {
    row = await findStoredCase(ctx.db, caseId);
    if (!row) {
      row = (await storeCase(ctx, fetched, reception)) ?? undefined;
      storedNow = row !== undefined;
      // Stored meanwhile by a concurrent run: finish its steps rather than duplicate it.
      row ??= await findStoredCase(ctx.db, caseId);
      if (!row) throw new Error(`Le télédossier ${caseId} n’a pas pu être enregistré`);
    }
  } finally {
    order.onStored();
  }
  if (row.collectivityId !== ctx.collectivity.id) {
    throw new Error(`Le télédossier ${caseId} est déjà rattaché à une autre collectivité`);
  }
  await reportReception(ctx, row, storedNow ? fetched : null);
  await deleteNotification(ctx, notification);
  if (!storedNow) ctx.counts.alreadyStored++;
  else if (row.ingestionError) ctx.counts.errors++;
  else ctx.counts.cases++;
}
