import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { familyStatusChanges, receivedCases } from "../../../db/schema/index.ts";
import type { HubeeReceiver, SiCase, SiEvent } from "~/integrations/hubee/receiver.server";
import { HubeeError, isTransientHubeeError } from "~/integrations/hubee/errors.server";
import { logger } from "~/utils/logger.server";
import { AGENT_REPORTED_STATUSES, authorFor, defaultMessageFor, hubeePath } from "./hubee-case-path";

/*
 * The second half of "durable first, then reported": the status reports a case owes HubEE after
 * an agent's action, sent by the agent's request when it can (family-status-change.server.ts),
 * else by the worker.
 */

export type StatusReportOutcome =
  /** HubEE has the case's status (now, or already before). */
  | "reported"
  /** HubEE's case went another way: nothing can be reported; the portal now shows HubEE's status. */
  | "conflict"
  /** No report was owed. */
  | "nothing_owed";

/**
 * Sends HubEE what a case owes it: the steps from HubEE's current status to the portal's,
 * each as an event (unless HubEE already has it) then a case status, with the message stored
 * in the timeline. Safe to replay at any point: HubEE's case says what was already done.
 */
export async function reportOwedStatus(
  db: Database,
  receiver: HubeeReceiver,
  kase: { id: string; hubeeCaseId: string },
  options: { author: string; fetched?: SiCase },
): Promise<StatusReportOutcome> {
  let fetched = options.fetched;
  let outcome: StatusReportOutcome = "nothing_owed";
  // Another agent may move the file on while this runs: report the new target too (bounded).
  for (let round = 0; round < 3; round++) {
    const [row] = await db
      .select({ hubeeStatus: receivedCases.hubeeStatus, statusReportedAt: receivedCases.statusReportedAt })
      .from(receivedCases)
      .where(eq(receivedCases.id, kase.id));
    if (!row || row.statusReportedAt || !AGENT_REPORTED_STATUSES.includes(row.hubeeStatus)) return outcome;
    const target = row.hubeeStatus;
    let current: SiCase | null;
    try {
      current = fetched ?? (await receiver.getCase(kase.hubeeCaseId));
    } catch (error) {
      // HubEE no longer has the case (purged): there is nothing left to tell it.
      if (!(error instanceof HubeeError) || error.status !== 404) throw error;
      current = null;
    }
    fetched = undefined;
    const steps = current ? hubeePath(current.status, target) : null;
    const now = new Date();
    if (!current || steps === null) {
      await db
        .update(receivedCases)
        .set({ hubeeStatus: current?.status ?? target, statusReportedAt: now, updatedAt: now })
        .where(
          and(
            eq(receivedCases.id, kase.id),
            eq(receivedCases.hubeeStatus, target),
            isNull(receivedCases.statusReportedAt),
          ),
        );
      logger.warn(
        { caseId: kase.id, hubeeStatus: current?.status ?? null, target },
        "statut non transmissible : le télédossier a pris un autre chemin dans HubEE",
      );
      return "conflict";
    }
    const changes = await db
      .select({
        id: familyStatusChanges.id,
        fromStatus: familyStatusChanges.fromStatus,
        toStatus: familyStatusChanges.toStatus,
        message: familyStatusChanges.message,
        hubeeEventId: familyStatusChanges.hubeeEventId,
      })
      .from(familyStatusChanges)
      .where(eq(familyStatusChanges.caseId, kase.id))
      .orderBy(desc(familyStatusChanges.createdAt));
    const events: SiEvent[] = [...current.events];
    const statusEvent = (from: string, to: string) =>
      events.findLast(
        (e) => e.actionType === "STATUS_UPDATE" && e.caseCurrentStatus === from && e.caseNewStatus === to,
      );
    for (const s of steps) {
      if (!statusEvent(s.from, s.to)) {
        const change = changes.find((c) => c.toStatus === s.to);
        events.push(
          await receiver.postStatusEvent(kase.hubeeCaseId, {
            caseCurrentStatus: s.from,
            caseNewStatus: s.to,
            author: options.author,
            message: change?.message ?? defaultMessageFor(s.to),
          }),
        );
      }
      await receiver.updateCaseStatus(kase.hubeeCaseId, s.to);
    }
    // The timeline keeps each change's HubEE event, found again after an interrupted run.
    for (const change of changes) {
      if (change.hubeeEventId) continue;
      const event = statusEvent(change.fromStatus, change.toStatus);
      if (event) {
        await db
          .update(familyStatusChanges)
          .set({ hubeeEventId: event.id })
          .where(eq(familyStatusChanges.id, change.id));
      }
    }
    const done = await db
      .update(receivedCases)
      .set({ statusReportedAt: now, updatedAt: now })
      .where(
        and(
          eq(receivedCases.id, kase.id),
          eq(receivedCases.hubeeStatus, target),
          isNull(receivedCases.statusReportedAt),
        ),
      )
      .returning({ id: receivedCases.id });
    outcome = "reported";
    if (done.length > 0) return outcome;
  }
  return outcome;
}

/**
 * A status report owed for less than this is left to the agent's request that recorded it (it
 * may still be talking to HubEE); older ones are the worker's. Longer than any request.
 */
export const STATUS_REPORT_GRACE_MS = 5 * 60_000;

export interface OwedReportCounts {
  reported: number;
  conflicts: number;
  failed: number;
}

/** Worker: sends HubEE the status reports the commune's cases still owe it (oldest first). */
export async function completeOwedStatusReports(
  db: Database,
  receiver: HubeeReceiver,
  collectivity: { id: string; name?: string },
  options: { now?: Date; limit?: number; author?: string } = {},
): Promise<OwedReportCounts> {
  const now = options.now ?? new Date();
  const counts: OwedReportCounts = { reported: 0, conflicts: 0, failed: 0 };
  const owed = await db
    .select({ id: receivedCases.id, hubeeCaseId: receivedCases.hubeeCaseId })
    .from(receivedCases)
    .where(
      and(
        eq(receivedCases.collectivityId, collectivity.id),
        isNull(receivedCases.statusReportedAt),
        inArray(receivedCases.hubeeStatus, [...AGENT_REPORTED_STATUSES]),
        lt(
          receivedCases.updatedAt,
          sql`${new Date(now.getTime() - STATUS_REPORT_GRACE_MS).toISOString()}::timestamptz`,
        ),
      ),
    )
    .orderBy(asc(receivedCases.updatedAt))
    .limit(options.limit ?? 100);
  const author = options.author ?? authorFor(collectivity.name);
  for (const kase of owed) {
    try {
      const outcome = await reportOwedStatus(db, receiver, kase, { author });
      if (outcome === "reported") counts.reported++;
      if (outcome === "conflict") counts.conflicts++;
    } catch (error) {
      counts.failed++;
      logger.warn(
        { collectivityId: collectivity.id, caseId: kase.id, status: (error as { status?: number }).status },
        "statut toujours dû à HubEE, nouvel essai au prochain relevé",
      );
      if (isTransientHubeeError(error)) break;
    }
  }
  return counts;
}
