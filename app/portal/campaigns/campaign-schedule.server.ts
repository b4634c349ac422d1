import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { qfCampaignSchedules } from "../../../db/schema/index.ts";
import type { CampaignSchedule } from "./campaign-schedule-form";

/** The commune's yearly campaign day, as stored in qf_campaign_schedules. */

/** No row = the default day; a disabled row keeps its date columns valid but they are not used. */
export async function loadCampaignSchedule(db: Database, collectivityId: string): Promise<CampaignSchedule> {
  const [row] = await db
    .select()
    .from(qfCampaignSchedules)
    .where(eq(qfCampaignSchedules.collectivityId, collectivityId));
  if (!row) return { mode: "defaut", day: null, month: null };
  if (!row.enabled) return { mode: "aucune", day: null, month: null };
  return { mode: "date", day: row.day, month: row.month };
}

export async function saveCampaignSchedule(
  db: Database,
  collectivityId: string,
  schedule: CampaignSchedule,
): Promise<void> {
  if (schedule.mode === "defaut") {
    await db.delete(qfCampaignSchedules).where(eq(qfCampaignSchedules.collectivityId, collectivityId));
    return;
  }
  // "aucune": the scheduler skips disabled rows, whatever their date (January 2nd keeps the checks happy).
  const values =
    schedule.mode === "date"
      ? { day: schedule.day!, month: schedule.month!, enabled: true }
      : { day: 2, month: 1, enabled: false };
  await db
    .insert(qfCampaignSchedules)
    .values({ collectivityId, ...values, updatedAt: new Date() })
    .onConflictDoUpdate({ target: qfCampaignSchedules.collectivityId, set: { ...values, updatedAt: new Date() } });
}
