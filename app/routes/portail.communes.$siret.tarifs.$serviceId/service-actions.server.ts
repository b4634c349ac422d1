import { z } from "zod";
import { requiredText } from "~/forms/fields";
import { parseForm } from "~/forms/parse-form";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";
import { ruleFormSchema, serviceFormSchema, startDateSchema } from "~/portal/tariffs/tariff-forms";
import {
  deleteDraftVersion,
  publishVersion,
  saveDraftVersion,
  updateTariffService,
  type Actor,
  type TariffService,
} from "~/portal/tariffs/tariffs.server";
import type { Database } from "../../../db/client.ts";

export type ServiceActionResult =
  | { done: true; message: string; editVersionId?: string }
  | { done: false; intent: string; versionId?: string; errors: Record<string, string>; values: Record<string, string> };

const versionIdSchema = requiredText("Version introuvable.", 36);
const publishSchema = z.object({ versionId: versionIdSchema, validFrom: startDateSchema });
const deleteSchema = z.object({ versionId: versionIdSchema });

/** The service page's four forms, told apart by `intent`; every answer is French and field-bound. */
export async function runServiceAction(
  db: Database,
  actor: Actor,
  service: TariffService,
  form: FormData,
): Promise<ServiceActionResult> {
  const intent = String(form.get("intent") ?? "");
  if (intent === "save-service") {
    const parsed = parseForm(serviceFormSchema, form);
    if (!parsed.success) return { done: false, intent, errors: parsed.errors, values: parsed.values };
    const saved = await updateTariffService(db, actor, service.id, parsed.data);
    if (!saved.ok) return { done: false, intent, errors: saved.errors, values: parsed.values };
    return { done: true, message: "Service enregistré." };
  }
  if (intent === "save-draft") {
    const brackets = await loadTariffBrackets(db, actor.collectivityId);
    const versionId = String(form.get("versionId") ?? "") || null;
    const parsed = parseForm(ruleFormSchema(brackets, service.perChild), form);
    if (!parsed.success) {
      return { done: false, intent, versionId: versionId ?? undefined, errors: parsed.errors, values: parsed.values };
    }
    const saved = await saveDraftVersion(db, actor, service, { versionId, ...parsed.data });
    if (!saved.ok) return { done: false, intent, errors: saved.errors, values: parsed.values };
    return { done: true, message: "Projet de tarif enregistré.", editVersionId: saved.value };
  }
  if (intent === "publish") {
    const parsed = parseForm(publishSchema, form);
    const versionId = String(form.get("versionId") ?? "");
    if (!parsed.success) return { done: false, intent, versionId, errors: parsed.errors, values: parsed.values };
    const published = await publishVersion(db, actor, service.id, parsed.data.versionId, parsed.data.validFrom);
    if (!published.ok) return { done: false, intent, versionId, errors: published.errors, values: parsed.values };
    return { done: true, message: "Tarif publié." };
  }
  if (intent === "delete-draft") {
    const parsed = parseForm(deleteSchema, form);
    const deleted = parsed.success && (await deleteDraftVersion(db, actor, service.id, parsed.data.versionId));
    if (!deleted) {
      return { done: false, intent, errors: { _form: "Ce projet n’existe plus ou a été publié." }, values: {} };
    }
    return { done: true, message: "Projet de tarif supprimé." };
  }
  return { done: false, intent, errors: { _form: "Action inconnue." }, values: {} };
}
