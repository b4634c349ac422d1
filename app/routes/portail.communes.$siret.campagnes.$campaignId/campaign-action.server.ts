import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { oneOf } from "~/forms/fields";
import { parseForm } from "~/forms/parse-form";
import type { Flash } from "~/http/flash";
import { controlCampaign, retryFailures } from "~/portal/campaigns/campaigns.server";

/** The campaign page's buttons: each form sends only its intent. */
const intentSchema = z.object({ intent: oneOf(["pause", "resume", "stop", "retry"], "Action inconnue.") });

const CONTROL_MESSAGES = {
  pause: "Mise à jour suspendue.",
  resume: "Mise à jour reprise.",
  stop: "Mise à jour arrêtée.",
} as const;

/** Done: the route redirects to `campaignId`'s page with the flash (Post/Redirect/Get). */
export type CampaignActionResult =
  | { ok: true; campaignId: string; flash: Flash }
  | { ok: false; status: 400 | 409; level: "error" | "warning"; message: string };

/** What the agent asked of a campaign of their commune (already found to exist). */
export async function performCampaignAction(
  db: Database,
  input: { campaignId: string; collectivityId: string; agentId: string; form: FormData },
): Promise<CampaignActionResult> {
  const parsed = parseForm(intentSchema, input.form);
  if (!parsed.success) return { ok: false, status: 400, level: "error", message: "Action inconnue." };
  const { intent } = parsed.data;
  const { campaignId, collectivityId, agentId } = input;
  if (intent === "retry") {
    const retry = await retryFailures(db, { campaignId, collectivityId, agentId });
    if (!retry) {
      return { ok: false, status: 409, level: "warning", message: "Aucun dossier à relancer pour cette mise à jour." };
    }
    return {
      ok: true,
      campaignId: retry.id,
      flash: { level: "success", message: "Relance lancée pour les dossiers en échec ou non traités." },
    };
  }
  const row = await controlCampaign(db, { campaignId, collectivityId, agentId, action: intent });
  // Someone else (or the worker) changed it first: say so rather than pretend.
  if (!row) {
    return {
      ok: false,
      status: 409,
      level: "warning",
      message: "La mise à jour a changé d’état entre-temps : voici son état actuel.",
    };
  }
  return { ok: true, campaignId, flash: { level: "success", message: CONTROL_MESSAGES[intent] } };
}
