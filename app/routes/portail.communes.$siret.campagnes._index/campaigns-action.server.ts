import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { recordAudit } from "~/audit/audit.server";
import { oneOf } from "~/forms/fields";
import { parseForm, type FieldErrors } from "~/forms/parse-form";
import type { Flash } from "~/http/flash";
import { campaignScheduleSchema } from "~/portal/campaigns/campaign-schedule-form";
import { saveCampaignSchedule } from "~/portal/campaigns/campaign-schedule.server";
import { acknowledgeAlert } from "~/portal/campaigns/campaigns.server";

/** The page's two forms, told apart by their intent. */
const intentSchema = z.object({ intent: oneOf(["acquitter", "calendrier"], "Action inconnue") });
const acknowledgeSchema = z.object({ alertId: z.string().regex(/^[0-9a-f-]{36}$/i, "Alerte inconnue") });

/** A refused schedule: the page shows the form again with its errors and what was typed. */
export interface ScheduleRefused {
  errors: FieldErrors;
  values: Record<string, string>;
}

/**
 * What an administrator asked of the campaigns page: acknowledge a token alert or set the
 * yearly campaign day. A forged form (unknown intent, bad alert id) is a 400 thrown by the route.
 */
export async function performCampaignsAction(
  db: Database,
  input: { collectivityId: string; agentId: string; requestId: string; form: FormData },
): Promise<{ ok: true; flash: Flash } | { ok: false; refused: ScheduleRefused } | { ok: false; malformed: string }> {
  const chosen = parseForm(intentSchema, input.form);
  if (!chosen.success) return { ok: false, malformed: "Action inconnue" };
  if (chosen.data.intent === "acquitter") {
    const acknowledged = parseForm(acknowledgeSchema, input.form);
    if (!acknowledged.success) return { ok: false, malformed: "Alerte inconnue" };
    await acknowledgeAlert(db, {
      alertId: acknowledged.data.alertId,
      collectivityId: input.collectivityId,
      agentId: input.agentId,
    });
    return { ok: true, flash: { level: "success", message: "Alerte marquée comme prise en compte." } };
  }
  const parsed = parseForm(campaignScheduleSchema, input.form);
  if (!parsed.success) return { ok: false, refused: { errors: parsed.errors, values: parsed.values } };
  await saveCampaignSchedule(db, input.collectivityId, parsed.data);
  await recordAudit(db, {
    actor: input.agentId,
    collectivityId: input.collectivityId,
    action: "settings.updated",
    targetType: "collectivity",
    targetId: input.collectivityId,
    requestId: input.requestId,
    details: { section: "qf_campaign_schedule", ...parsed.data },
  });
  return { ok: true, flash: { level: "success", message: "Calendrier enregistré." } };
}
