import type { Database } from "../../../db/client.ts";
import { recordAudit } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import { FORM_ERROR_KEY, parseForm, type FieldErrors } from "~/forms/parse-form";
import { saveAnnotation } from "~/portal/family-files/family-annotation.server";
import { changeFamilyStatus } from "~/portal/family-files/family-status-change.server";
import { STATUS_ACTIONS, type StatusAction } from "~/portal/family-files/family-status";
import { hubeeInboxSettings, receiverFor } from "~/portal/hubee-reception/hubee-inboxes.server";
import { loadHubeeSiCredentials } from "~/portal/settings/hubee-si-credentials.server";
import { familyFileForms, intentSchema } from "./family-file-forms";

/** A success: the route redirects to the file with this message (Post/Redirect/Get). */
export interface FamilyFileActionDone {
  ok: true;
  message: string;
}

/** A failure: the page is shown again, with the message and the fields in error. */
export interface FamilyFileActionFailed {
  ok: false;
  /** The alert at the top of the page. */
  message: string;
  /** Field name (`message`, `annotation`) or "_form" → French message. */
  errors: FieldErrors;
  /** The refusal's reason as typed, given back after a failure so that it is not typed again. */
  reason?: string;
  /** The post lacked the confirmation: nothing was changed, the confirmation is shown instead. */
  confirm?: true;
}

export type FamilyFileActionResult = FamilyFileActionDone | FamilyFileActionFailed;

const failed = (message: string, errors: FieldErrors = { [FORM_ERROR_KEY]: message }, reason?: string) =>
  ({ ok: false, message, errors, ...(reason === undefined ? {} : { reason }) }) satisfies FamilyFileActionFailed;

/**
 * What the agent asked of a family file of their commune (already found to exist): the private
 * note or a status action, reported to HubEE. The file's forms are read with their schemas.
 */
export async function performFamilyFileAction(
  db: Database,
  input: {
    agentId: string;
    collectivity: { id: string; name: string };
    familyId: string;
    form: FormData;
    requestId: string;
  },
): Promise<FamilyFileActionResult> {
  const chosen = parseForm(intentSchema, input.form);
  if (!chosen.success) return failed(chosen.errors.intent ?? "Action inconnue.");
  const { intent } = chosen.data;

  if (intent === "annoter") {
    const note = parseForm(familyFileForms.annoter, input.form);
    if (!note.success) return failed(Object.values(note.errors)[0]!, note.errors);
    await saveAnnotation(db, {
      collectivityId: input.collectivity.id,
      familyId: input.familyId,
      agentId: input.agentId,
      body: note.data.annotation,
    });
    return { ok: true, message: "Note enregistrée." };
  }
  if (intent === "traiter") {
    const closing = parseForm(familyFileForms.traiter, input.form);
    if (!closing.success || !closing.data.confirm) {
      return { ...failed("Confirmez que ce dossier est traité."), confirm: true };
    }
  }
  if (intent === "refuser") {
    const refusal = parseForm(familyFileForms.refuser, input.form);
    const typed = refusal.values.message ?? "";
    if (!refusal.success) return failed(refusal.errors.message!, refusal.errors, typed);
    return changeStatus(db, { ...input, action: intent, message: refusal.data.message, typed });
  }
  return changeStatus(db, { ...input, action: intent });
}

async function changeStatus(
  db: Database,
  input: {
    agentId: string;
    collectivity: { id: string; name: string };
    familyId: string;
    action: StatusAction;
    /** The refusal's reason, validated, and as it was typed. */
    message?: string;
    typed?: string;
    requestId: string;
  },
): Promise<FamilyFileActionResult> {
  const settings = hubeeInboxSettings(getConfig());
  const result = await changeFamilyStatus(db, {
    collectivity: input.collectivity,
    familyId: input.familyId,
    agentId: input.agentId,
    action: input.action,
    message: input.message,
    receiver: async () => {
      const [credentials] = await loadHubeeSiCredentials(db, settings.encryptionKey, {
        collectivityId: input.collectivity.id,
      });
      return credentials ? receiverFor(credentials, settings) : null;
    },
  });
  if (!result.ok) {
    return failed(
      result.error,
      { [result.field ?? FORM_ERROR_KEY]: result.error },
      // Not about the reason (e.g. the file is not in charge yet): what was typed stays all the same.
      input.typed,
    );
  }
  await recordAudit(db, {
    actor: input.agentId,
    collectivityId: input.collectivity.id,
    action: "family_file.status_changed",
    targetType: "family",
    targetId: input.familyId,
    requestId: input.requestId,
    details: { from: STATUS_ACTIONS[input.action].from, to: result.status },
  });
  // The notice says honestly whether HubEE has been told yet (a report may still be owed).
  return { ok: true, message: result.notice };
}
