import { data } from "@remix-run/node";
import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { optionalText } from "~/forms/fields";
import { parseForm } from "~/forms/parse-form";
import { redirectWithFlash } from "~/http/flash.server";
import { syncSubscriptionsFromPage } from "~/onboarding/hubee-subscriptions.server";
import { completeOrCreateCommune } from "~/onboarding/manual-commune.server";
import { INVALID_INVITATION_EMAIL, invitationEmail } from "~/portal/access/invitation-email";
import {
  invitePlatformAdministrator,
  listCommunesOverview,
  setCommuneStatus,
} from "~/portal/access/platform-admin.server";
import { getServices } from "~/services.server";

export const PATH = "/portail/administration";

type Notice = { type: "error" | "info"; text: string };
export type ActionResult = {
  notice: Notice;
  /** An invalid address: the field says so and keeps what was typed, with the commune chosen. */
  inviteError?: string;
  inviteEmail?: string;
  inviteCollectivityId?: string;
  /** The commune form sent back with its errors. */
  communeValues?: { siret?: string; codeCog?: string; editor?: string };
  communeErrors?: { siret?: string; codeCog?: string };
};

/** One schema per form of the page: a commune's status button, the invitation of its administrator. */
const statusForm = z.object({ intent: z.enum(["activate", "deactivate"]), collectivityId: optionalText() });
const subscriptionsForm = z.object({ intent: z.literal("sync-subscriptions") });
const communeForm = z.object({
  intent: z.literal("complete-commune"),
  siret: optionalText(40),
  codeCog: optionalText(10),
  editor: optionalText(100, "Le nom du logiciel ne peut dépasser 100 caractères."),
});
const inviteAdminForm = z.object({
  intent: z.literal("invite-admin"),
  collectivityId: optionalText(),
  email: invitationEmail(),
});
const platformForms = z.discriminatedUnion("intent", [statusForm, inviteAdminForm, subscriptionsForm, communeForm]);

const refusedInvitation = (email: string, collectivityId: string, text: string, fieldError: string, status = 400) =>
  data<ActionResult>(
    {
      notice: { type: "error", text },
      inviteError: fieldError,
      inviteEmail: email,
      inviteCollectivityId: collectivityId,
    },
    { status },
  );
const invalidInvitation = (email: string, collectivityId: string) =>
  refusedInvitation(
    email,
    collectivityId,
    "Adresse électronique invalide : l’invitation n’a pas été enregistrée.",
    INVALID_INVITATION_EMAIL,
  );

/** « Compléter ou ajouter une commune »: the commune form, answered in French. */
async function completeCommune(
  db: Database,
  typed: { siret: string; codeCog: string; editor: string },
  by: { actor: string; requestId: string | null | undefined },
) {
  const outcome = await completeOrCreateCommune(db, { ...typed, editor: typed.editor || null, ...by });
  const communeValues = { siret: typed.siret, codeCog: typed.codeCog, editor: typed.editor };
  if (outcome.kind === "invalid") {
    return data<ActionResult>(
      {
        notice: { type: "error", text: "La commune n’a pas été enregistrée : un champ est à corriger." },
        communeValues,
        communeErrors: outcome.errors,
      },
      { status: 400 },
    );
  }
  if (outcome.kind === "already_complete") {
    return data<ActionResult>(
      {
        notice: { type: "info", text: `Ce SIRET est déjà celui de ${outcome.name} : rien n’a changé.` },
        communeValues,
      },
      { status: 409 },
    );
  }
  return redirectWithFlash(PATH, {
    level: "success",
    message: `${outcome.name} est ${outcome.kind === "created" ? "ajoutée" : "complétée"} et active.`,
  });
}

/** « Relire les abonnements HubEE »: what the hourly job does, now. */
async function syncSubscriptionsNow(db: Database) {
  const outcome = await syncSubscriptionsFromPage(db, getServices().hubeeSubscriptions);
  if (outcome.ok) return redirectWithFlash(PATH, { level: "success", message: outcome.message });
  return data<ActionResult>({ notice: { type: "error", text: outcome.message } }, { status: 502 });
}

/** What the page's forms ask, for a platform administrator (checked by the route). */
export async function applyPlatformForm(
  db: Database,
  formData: FormData,
  agent: { id: string; email: string },
  requestId: string | null | undefined,
) {
  const form = parseForm(platformForms, formData);
  if (form.success && form.data.intent === "sync-subscriptions") return syncSubscriptionsNow(db);
  if (form.success && form.data.intent === "complete-commune") {
    return completeCommune(db, form.data, { actor: agent.id, requestId });
  }
  if (!form.success && form.values.intent === "complete-commune") {
    return data<ActionResult>(
      {
        notice: { type: "error", text: "La commune n’a pas été enregistrée : un champ est à corriger." },
        communeValues: form.values,
        communeErrors: form.errors,
      },
      { status: 400 },
    );
  }
  const communes = await listCommunesOverview(db);
  const commune = communes.find((c) => c.id === form.values.collectivityId?.trim());
  if (!commune) throw data("Commune inconnue", { status: 400 });
  if (!form.success) {
    if (form.values.intent !== "invite-admin" || !form.errors.email) throw data("Action inconnue", { status: 400 });
    return invalidInvitation(form.values.email ?? "", commune.id);
  }
  const common = { collectivityId: commune.id, actor: agent.id, requestId: requestId };
  if (form.data.intent === "invite-admin") {
    const outcome = await invitePlatformAdministrator(db, {
      collectivityId: commune.id,
      email: form.data.email,
      actor: { id: agent.id, email: agent.email },
      requestId: requestId,
    });
    const typed = form.values.email ?? "";
    if (outcome.kind === "invalid_email") return invalidInvitation(typed, commune.id);
    // ADR 022: nobody at the platform lets themselves, or anyone, into a commune that has administrators.
    if (outcome.kind === "self_invitation")
      return refusedInvitation(
        typed,
        commune.id,
        "Vous ne pouvez pas vous inviter dans une commune : seuls ses agents lisent les dossiers des familles.",
        "Saisissez l’adresse de la personne qui administrera la commune, pas la vôtre.",
        403,
      );
    if (outcome.kind === "commune_has_administrators")
      return refusedInvitation(
        typed,
        commune.id,
        `${commune.name} a déjà un administrateur : c’est lui qui invite ses collègues, depuis la page « Agents » de la commune.`,
        "Cette commune a déjà un administrateur.",
        409,
      );
    if (outcome.kind === "already_member") {
      // Nothing changed, so no redirect: the page says so and keeps the form as it was sent.
      return {
        notice: { type: "info", text: "Cette personne est déjà membre de la commune." },
        inviteEmail: form.values.email,
        inviteCollectivityId: commune.id,
      } satisfies ActionResult;
    }
    return redirectWithFlash(PATH, {
      level: "success",
      message: `Invitation d’administrateur enregistrée pour ${commune.name}.`,
    });
  }
  const status = form.data.intent === "activate" ? "active" : "inactive";
  await setCommuneStatus(db, { ...common, status });
  return redirectWithFlash(PATH, {
    level: "success",
    message: `${commune.name} est ${status === "active" ? "activée" : "désactivée"}.`,
  });
}
