import type { Database } from "../../../db/client.ts";
import { formatDateTime } from "~/domain/paris-time";
import { formatPeriod, MONTHS } from "~/portal/campaigns/campaign-labels";
import type { CampaignSchedule } from "~/portal/campaigns/campaign-schedule-form";
import { loadCampaignSchedule } from "~/portal/campaigns/campaign-schedule.server";
import { listCampaigns, listOpenAlerts } from "~/portal/campaigns/campaigns.server";
import { firstWorkingDayOfJanuary, parisDay, yearlyCampaignDay } from "~/portal/campaigns/yearly-date";

/** "1er janvier 2027", "15 septembre 2026". */
const dayLabel = (isoDay: string) => {
  const [year, month, day] = isoDay.split("-").map(Number);
  return `${day === 1 ? "1er" : day} ${MONTHS[month! - 1]} ${year}`;
};

/** The next yearly run (from today, Paris), for the settings' hint. */
function nextRun(schedule: CampaignSchedule, today: string): string {
  const year = Number(today.slice(0, 4));
  const chosen = schedule.day !== null && schedule.month !== null ? { day: schedule.day, month: schedule.month } : null;
  const thisYear = yearlyCampaignDay(year, chosen);
  return thisYear >= today ? thisYear : yearlyCampaignDay(year + 1, chosen);
}

/** The campaigns page: the last campaigns, the open token alerts and the yearly campaign day. */
export async function loadCampaignsPage(db: Database, collectivityId: string) {
  const [campaigns, alerts, schedule] = await Promise.all([
    listCampaigns(db, collectivityId, 20),
    listOpenAlerts(db, collectivityId),
    loadCampaignSchedule(db, collectivityId),
  ]);
  const today = parisDay();
  return {
    campaigns: campaigns.map((c) => ({
      id: c.id,
      period: formatPeriod(c.annee, c.mois),
      status: c.status,
      scope: c.scope,
      trigger: c.trigger,
      total: c.totalCount,
      startedAt: formatDateTime(c.startedAt ?? c.createdAt),
    })),
    alerts: alerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      httpStatus: a.httpStatus,
      at: formatDateTime(a.createdAt),
      campaignId: a.campaignId,
    })),
    schedule,
    defaultDay: dayLabel(firstWorkingDayOfJanuary(Number(today.slice(0, 4)) + 1)),
    nextRun: schedule.mode === "aucune" ? null : dayLabel(nextRun(schedule, today)),
  };
}

export type CampaignsPage = Awaited<ReturnType<typeof loadCampaignsPage>>;
