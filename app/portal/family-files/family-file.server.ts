import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import {
  agents,
  caseAttachments,
  familyAnnotations,
  families,
  familyStatusChanges,
  qfHistory,
  receivedCases,
  type FamilyFileStatus,
} from "../../../db/schema/index.ts";
import type { HubeeReceiver, SiCase, SiEvent } from "~/integrations/hubee/receiver.server";
import { HubeeError, isTransientHubeeError } from "~/integrations/hubee/errors.server";
import { logger } from "~/utils/logger.server";
import { STATUS_ACTIONS, type StatusAction } from "./family-status";

/**
 * A family file as the commune's agents see it, and what they do with it. Every read is scoped
 * to the commune: an id from another commune is "not found", never someone else's file.
 */

export async function loadFamilyFile(db: Database, collectivityId: string, familyId: string) {
  if (!isUuid(familyId)) return null;
  const [family] = await db
    .select()
    .from(families)
    .where(and(eq(families.id, familyId), eq(families.collectivityId, collectivityId)));
  if (!family) return null;
  const [history, cases, attachments, changes, annotation] = await Promise.all([
    db
      .select()
      .from(qfHistory)
      .where(eq(qfHistory.familyId, familyId))
      .orderBy(desc(qfHistory.annee), desc(qfHistory.mois), desc(qfHistory.recordedAt)),
    db
      .select({
        id: receivedCases.id,
        reference: receivedCases.reference,
        hubeeStatus: receivedCases.hubeeStatus,
        ingestionError: receivedCases.ingestionError,
        transmittedAt: receivedCases.transmittedAt,
        receivedAt: receivedCases.receivedAt,
        statusReportedAt: receivedCases.statusReportedAt,
      })
      .from(receivedCases)
      .where(and(eq(receivedCases.familyId, familyId), eq(receivedCases.collectivityId, collectivityId)))
      .orderBy(desc(receivedCases.receivedAt)),
    db
      .select({
        id: caseAttachments.id,
        caseId: caseAttachments.caseId,
        fileName: caseAttachments.fileName,
        mimeType: caseAttachments.mimeType,
        size: caseAttachments.size,
        digestVerified: caseAttachments.digestVerified,
      })
      .from(caseAttachments)
      .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
      .where(and(eq(receivedCases.familyId, familyId), eq(receivedCases.collectivityId, collectivityId)))
      .orderBy(desc(receivedCases.receivedAt), asc(caseAttachments.fileName)),
    db
      .select({
        id: familyStatusChanges.id,
        caseId: familyStatusChanges.caseId,
        fromStatus: familyStatusChanges.fromStatus,
        toStatus: familyStatusChanges.toStatus,
        message: familyStatusChanges.message,
        createdAt: familyStatusChanges.createdAt,
        agentGivenName: agents.givenName,
        agentUsualName: agents.usualName,
      })
      .from(familyStatusChanges)
      .leftJoin(agents, eq(agents.id, familyStatusChanges.agentId))
      .where(and(eq(familyStatusChanges.familyId, familyId), eq(familyStatusChanges.collectivityId, collectivityId)))
      .orderBy(asc(familyStatusChanges.createdAt)),
    db
      .select({ body: familyAnnotations.body, updatedAt: familyAnnotations.updatedAt })
      .from(familyAnnotations)
      .where(and(eq(familyAnnotations.familyId, familyId), eq(familyAnnotations.collectivityId, collectivityId))),
  ]);
  return {
    family,
    history,
    // A status change recorded but not yet accepted by HubEE (it was down): the worker sends it.
    cases: cases.map((c) => ({
      ...c,
      statusReportOwed: c.statusReportedAt === null && AGENT_REPORTED_STATUSES.includes(c.hubeeStatus),
    })),
    attachments,
    changes,
    annotation: annotation[0] ?? null,
  };
}

export type FamilyFile = NonNullable<Awaited<ReturnType<typeof loadFamilyFile>>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id would make PostgreSQL throw (500): it simply names no file. */
export const isUuid = (value: string | undefined): value is string => Boolean(value && UUID.test(value));

/** An attachment of one of the commune's files, bytes included; null when it is not theirs. */
export async function loadAttachment(db: Database, collectivityId: string, familyId: string, attachmentId: string) {
  if (!isUuid(familyId) || !isUuid(attachmentId)) return null;
  const [row] = await db
    .select({
      id: caseAttachments.id,
      fileName: caseAttachments.fileName,
      mimeType: caseAttachments.mimeType,
      content: caseAttachments.content,
    })
    .from(caseAttachments)
    .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
    .where(
      and(
        eq(caseAttachments.id, attachmentId),
        eq(receivedCases.familyId, familyId),
        eq(receivedCases.collectivityId, collectivityId),
      ),
    );
  return row ?? null;
}

export async function saveAnnotation(
  db: Database,
  input: { collectivityId: string; familyId: string; agentId: string; body: string },
) {
  const now = new Date();
  await db
    .insert(familyAnnotations)
    .values({ ...input, updatedBy: input.agentId, updatedAt: now })
    .onConflictDoUpdate({
      target: familyAnnotations.familyId,
      set: { body: input.body, updatedBy: input.agentId, updatedAt: now },
    });
}

/** What the sender (hence the citizen) reads; a refusal carries the agent's own message. */
const DEFAULT_MESSAGES: Record<Exclude<StatusAction, "refuser">, string> = {
  prendre: "Votre demande est en cours de traitement par la commune.",
  traiter: "Votre demande a été traitée par la commune.",
};

const DONE_LABELS: Record<StatusAction, string> = {
  prendre: "Dossier pris en charge",
  traiter: "Dossier marqué comme traité",
  refuser: "Dossier refusé",
};

/**
 * HubEE statuses an agent's action leads to. A case in one of them whose `status_reported_at`
 * is null owes HubEE a report (the ingestion's SI_RECEIVED report uses the same column).
 */
export const AGENT_REPORTED_STATUSES: readonly string[] = ["IN_PROGRESS", "DONE", "REFUSED"];

/** Cases still open on the commune's side: a status action moves every one of them. */
const OPEN_STATUSES: readonly string[] = ["SI_RECEIVED", "IN_PROGRESS", "ADD_AWAITING"];

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

const defaultMessageFor = (status: string) =>
  status === "DONE"
    ? DEFAULT_MESSAGES.traiter
    : status === "REFUSED"
      ? "Votre demande a été refusée par la commune."
      : DEFAULT_MESSAGES.prendre;

const authorFor = (collectivityName?: string) => (collectivityName ? `Portail QF (${collectivityName})` : "Portail QF");

export type StatusChangeResult =
  /**
   * The status changed locally (durably). `reported` is false when HubEE has not been told yet:
   * the report is owed and the worker sends it. `notice` says so, in French, for agents.
   */
  | { ok: true; status: FamilyFileStatus; reported: boolean; notice: string }
  /** `error` is French, for agents, without personal data; `field` when it is about the refusal's message. */
  | { ok: false; error: string; field?: "message" };

class StatusChangeConflict extends Error {}

/**
 * An agent's status action. Durable first, then reported: the family's status, the cases' target
 * HubEE status with their report owed (`status_reported_at` null) and the timeline entries (which
 * keep the refusal's message) commit together; HubEE is told afterwards, by this request if it
 * can, else by the worker (completeOwedStatusReports). Reporting reads HubEE's case first, so a
 * step HubEE already applied is never sent again and an interrupted one is finished.
 *
 * Every still-open case of the family follows the action: when a known family transmits again,
 * its older cases would otherwise stay SI_RECEIVED / IN_PROGRESS in HubEE for ever. Each walks
 * HubEE's allowed transitions only (SI_RECEIVED → IN_PROGRESS → DONE | REFUSED).
 */
export async function changeFamilyStatus(
  db: Database,
  input: {
    collectivity: { id: string; name: string };
    familyId: string;
    agentId: string;
    action: StatusAction;
    message?: string;
    /** The commune's HubEE receiver, or null when its SI credentials are not set. */
    receiver: () => Promise<HubeeReceiver | null>;
  },
): Promise<StatusChangeResult> {
  const step = STATUS_ACTIONS[input.action];
  const message = input.action === "refuser" ? (input.message ?? "").trim() : DEFAULT_MESSAGES[input.action];
  if (input.action === "refuser" && message.length === 0) {
    return { ok: false, error: "Indiquez au demandeur le motif du refus.", field: "message" };
  }
  if (message.length > 1000) {
    return { ok: false, error: "Le message est trop long (1 000 caractères au plus).", field: "message" };
  }

  const [family] = await db
    .select({ status: families.status })
    .from(families)
    .where(and(eq(families.id, input.familyId), eq(families.collectivityId, input.collectivity.id)));
  if (!family) return { ok: false, error: "Dossier introuvable." };
  if (family.status !== step.from) {
    return { ok: false, error: `Action impossible : le dossier n’est pas dans l’état attendu pour « ${step.label} ».` };
  }
  const cases = await db
    .select({
      id: receivedCases.id,
      hubeeCaseId: receivedCases.hubeeCaseId,
      hubeeStatus: receivedCases.hubeeStatus,
      ingestionError: receivedCases.ingestionError,
    })
    .from(receivedCases)
    .where(and(eq(receivedCases.familyId, input.familyId), eq(receivedCases.collectivityId, input.collectivity.id)))
    .orderBy(desc(receivedCases.receivedAt), desc(receivedCases.id));
  // The latest transmission is the one the file's status follows (its status as the portal knows
  // it: possibly a report still owed to HubEE).
  const latest = cases[0];
  if (!latest || latest.hubeeStatus !== step.hubeeFrom) {
    return { ok: false, error: "Action impossible : le statut de ce télédossier dans HubEE ne le permet pas." };
  }
  const planned = cases
    .filter((c) => c === latest || (!c.ingestionError && OPEN_STATUSES.includes(c.hubeeStatus)))
    .map((c) => ({ ...c, steps: hubeePath(c.hubeeStatus, step.hubeeTo) ?? [] }))
    .filter((c) => c.steps.length > 0);

  const receiver = await input.receiver();
  if (!receiver) {
    return { ok: false, error: "Les identifiants HubEE de la commune ne sont pas configurés : rien n’a été envoyé." };
  }
  const log = { collectivityId: input.collectivity.id, familyId: input.familyId };

  // What HubEE holds now. A case moved behind the portal's back is refused before anything
  // changes; HubEE being unreachable is no reason to refuse: the change is recorded and owed.
  const fetched = new Map<string, SiCase>();
  for (const c of planned) {
    try {
      fetched.set(c.id, await receiver.getCase(c.hubeeCaseId));
    } catch (error) {
      if (c === planned[0] && !isTransientHubeeError(error)) {
        logger.warn({ ...log, caseId: c.id, status: (error as { status?: number }).status }, "statut refusé par HubEE");
        return { ok: false, error: describeHubeeFailure(error) };
      }
      if (isTransientHubeeError(error)) break;
    }
  }
  const latestInHubee = fetched.get(latest.id);
  if (latestInHubee && hubeePath(latestInHubee.status, step.hubeeTo) === null) {
    logger.warn({ ...log, caseId: latest.id, hubeeStatus: latestInHubee.status }, "statut refusé par HubEE");
    return { ok: false, error: "HubEE a refusé ce changement de statut : le statut n’a pas changé." };
  }
  // An older case HubEE moved elsewhere is left as HubEE has it.
  const toReport = planned.filter((c) => {
    const inHubee = fetched.get(c.id);
    return c === latest || !inHubee || hubeePath(inHubee.status, step.hubeeTo) !== null;
  });

  const now = new Date();
  try {
    await db.transaction(async (tx) => {
      const moved = await tx
        .update(families)
        .set({ status: step.to, updatedAt: now })
        .where(
          and(
            eq(families.id, input.familyId),
            eq(families.collectivityId, input.collectivity.id),
            eq(families.status, step.from),
          ),
        )
        .returning({ id: families.id });
      if (moved.length === 0) throw new StatusChangeConflict();
      for (const c of toReport) {
        const updated = await tx
          .update(receivedCases)
          .set({ hubeeStatus: step.hubeeTo, statusReportedAt: null, updatedAt: now })
          .where(and(eq(receivedCases.id, c.id), eq(receivedCases.hubeeStatus, c.hubeeStatus)))
          .returning({ id: receivedCases.id });
        if (updated.length === 0) {
          if (c === latest) throw new StatusChangeConflict();
          continue;
        }
        await tx.insert(familyStatusChanges).values(
          c.steps.map((s, i) => ({
            collectivityId: input.collectivity.id,
            familyId: input.familyId,
            caseId: c.id,
            fromStatus: s.from,
            toStatus: s.to,
            message: s.to === step.hubeeTo ? message : defaultMessageFor(s.to),
            agentId: input.agentId,
            // Steps of one case keep their order in the timeline.
            createdAt: new Date(now.getTime() + i),
          })),
        );
      }
    });
  } catch (error) {
    if (error instanceof StatusChangeConflict) {
      return { ok: false, error: "Le dossier vient d’être modifié par ailleurs : rechargez la page et recommencez." };
    }
    throw error;
  }

  const author = authorFor(input.collectivity.name);
  let failure: unknown = null;
  let conflict = false;
  for (const c of toReport) {
    try {
      const outcome = await reportOwedStatus(db, receiver, c, { author, fetched: fetched.get(c.id) });
      if (outcome === "conflict" && c === latest) conflict = true;
    } catch (error) {
      logger.warn(
        { ...log, caseId: c.id, status: (error as { status?: number }).status },
        "statut enregistré, transmission à HubEE reportée",
      );
      failure ??= error;
      // HubEE is down: the other cases' reports wait for the worker too.
      if (isTransientHubeeError(error)) break;
    }
  }
  const label = DONE_LABELS[input.action];
  if (conflict) {
    return {
      ok: true,
      status: step.to,
      reported: false,
      notice: `${label} : c’est enregistré, mais HubEE indique entre-temps un autre statut pour ce télédossier ; vérifiez l’historique.`,
    };
  }
  if (!failure) return { ok: true, status: step.to, reported: true, notice: `${label}. HubEE en a été informé.` };
  return {
    ok: true,
    status: step.to,
    reported: false,
    notice: isTransientHubeeError(failure)
      ? `${label} : c’est enregistré. HubEE est momentanément indisponible ; le changement lui sera transmis automatiquement.`
      : `${label} : c’est enregistré. La transmission à HubEE n’a pas abouti ; elle sera retentée automatiquement.`,
  };
}

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

function describeHubeeFailure(error: unknown): string {
  if (error instanceof HubeeError) {
    if (error.credentialsRejected)
      return "HubEE a refusé les identifiants SI de la commune : le statut n’a pas changé.";
    if (error.transient)
      return "HubEE est momentanément indisponible : le statut n’a pas changé, réessayez dans quelques minutes.";
    return "HubEE a refusé ce changement de statut : le statut n’a pas changé.";
  }
  return "Le changement de statut n’a pas pu être transmis à HubEE : le statut n’a pas changé.";
}
