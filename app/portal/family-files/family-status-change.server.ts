import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { families, familyStatusChanges, receivedCases, type FamilyFileStatus } from "../../../db/schema/index.ts";
import type { HubeeReceiver, SiCase } from "~/integrations/hubee/receiver.server";
import { HubeeError, isTransientHubeeError } from "~/integrations/hubee/errors.server";
import { logger } from "~/utils/logger.server";
import { STATUS_ACTIONS, type StatusAction } from "./family-status";
import { authorFor, DEFAULT_MESSAGES, defaultMessageFor, hubeePath, OPEN_STATUSES } from "./hubee-case-path";
import { reportOwedStatus } from "./owed-status-reports.server";

/** What the agent reads once the action is recorded, before saying whether HubEE knows. */
const DONE_LABELS: Record<StatusAction, string> = {
  prendre: "Dossier pris en charge",
  traiter: "Dossier marqué comme traité",
  refuser: "Dossier refusé",
};

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
