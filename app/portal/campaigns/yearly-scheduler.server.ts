import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import { createCampaign, currentParisPeriod } from "./campaigns.server";
import { parisDay, yearlyCampaignDay } from "./yearly-date";

/**
 * Days after the campaign day during which a missed yearly run is still started: a worker fleet
 * down over the day (deployment, outage) must not cost a commune its year. Beyond that, a
 * campaign started out of the blue would surprise the commune; its agents start one by hand.
 */
export const YEARLY_CATCH_UP_DAYS = 7;

/**
 * The yearly run: creates a campaign for every active commune with an API Particulier token
 * whose campaign day is today (Paris) or was within the catch-up window. Runs from a
 * coordinated cron job, and a unique index (one cron campaign per commune and year) makes it
 * idempotent even without coordination, so the daily catch-up never starts a second one.
 */
export async function startYearlyCampaigns(db: Database, now = new Date()): Promise<{ created: number }> {
  const today = parisDay(now);
  const year = Number(today.slice(0, 4));
  const communes = await queryRows<{ id: string; day: number | null; month: number | null; enabled: boolean | null }>(
    db,
    sql`select c.id, s.day, s.month, s.enabled
        from collectivities c
        join collectivity_settings cs on cs.collectivity_id = c.id and cs.api_particulier_token_encrypted is not null
        left join qf_campaign_schedules s on s.collectivity_id = c.id
        where c.status = 'active'`,
  );
  let created = 0;
  for (const commune of communes) {
    if (commune.enabled === false) continue;
    const chosen = commune.day !== null && commune.month !== null ? { day: commune.day, month: commune.month } : null;
    if (!withinCatchUp(yearlyCampaignDay(year, chosen), today)) continue;
    const campaign = await createCampaign(db, {
      collectivityId: commune.id,
      period: currentParisPeriod(now),
      familyIds: "all",
      trigger: "cron",
      agentId: null,
    });
    if (campaign) created++;
  }
  return { created };
}

/** True from the campaign day (included) to YEARLY_CATCH_UP_DAYS after it. */
function withinCatchUp(campaignDay: string, today: string): boolean {
  const late = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${campaignDay}T00:00:00Z`)) / 86_400_000;
  return late >= 0 && late <= YEARLY_CATCH_UP_DAYS;
}
