import type { Database } from "../../../db/client.ts";
import type { CampaignItemStatus, CampaignStatus, QfCampaign } from "../../../db/schema/index.ts";
import { formatDateTime } from "../../domain/paris-time";
import { listBracketChanges } from "./campaign-portal.server";
import { getCampaignProgress } from "./campaigns.server";

/**
 * What the campaign page shows live: progress, counters per list, bracket changes. The page's
 * loader and its polling route (…/progression) both build it here, so the numbers a poll brings
 * are exactly those of a full reload.
 */
export interface CampaignProgressView {
  campaignId: string;
  status: CampaignStatus;
  /** When it was computed (ms since epoch): the page keeps the newer of its loader's and a poll's. */
  asOf: number;
  progress: { total: number; done: number; rateText: string | null; endText: string | null };
  counts: Record<CampaignItemStatus, number>;
  bracketChanges: number;
}

/** The view and the campaign row, or null when the campaign is not the commune's. */
export async function loadCampaignProgressView(
  db: Database,
  campaignId: string,
  collectivityId: string,
  now = new Date(),
): Promise<{ campaign: QfCampaign; view: CampaignProgressView } | null> {
  const progress = await getCampaignProgress(db, campaignId, collectivityId, now);
  if (!progress) return null;
  const { campaign } = progress;
  const brackets = await listBracketChanges(db, { campaignId, collectivityId, limit: 0, offset: 0 });
  return {
    campaign,
    view: {
      campaignId: campaign.id,
      status: campaign.status,
      asOf: now.getTime(),
      progress: {
        total: progress.total,
        done: progress.done,
        rateText:
          campaign.status === "running" && progress.ratePerSecond > 0
            ? `${(Math.round(progress.ratePerSecond * 10) / 10).toLocaleString("fr-FR")} familles par seconde`
            : null,
        endText: progress.estimatedEndAt ? `fin estimée : ${formatDateTime(progress.estimatedEndAt)}` : null,
      },
      counts: progress.byStatus,
      bracketChanges: brackets.total,
    },
  };
}
