import { eq } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import { collectivities, type CampaignItemStatus, type QfCampaign } from "../../../db/schema/index.ts";
import { notifyAgents } from "~/mail/notify.server";
import { communeAdministrators, communeMember } from "~/mail/recipients.server";
import { renderCampaignEndedMail } from "~/mail/templates/notification-mails.server";
import { formatPeriod } from "./campaign-labels";

/**
 * A campaign ended or stopped: its launcher is told, or every administrator for the yearly
 * automatic one (nobody launched it). Totals only, in the transaction that ends it.
 */
export async function mailCampaignEnded(
  db: DbExecutor,
  campaign: QfCampaign,
  counts: Partial<Record<CampaignItemStatus, number>>,
): Promise<void> {
  const [commune] = await db
    .select({ name: collectivities.name, siret: collectivities.siret })
    .from(collectivities)
    .where(eq(collectivities.id, campaign.collectivityId));
  if (!commune) return;
  const launcher =
    campaign.trigger === "agent" && campaign.startedBy
      ? await communeMember(db, campaign.collectivityId, campaign.startedBy)
      : null;
  const recipients = launcher ? [launcher] : await communeAdministrators(db, campaign.collectivityId);
  const n = (status: CampaignItemStatus) => counts[status] ?? 0;
  const totals = {
    total: campaign.totalCount,
    updated: n("updated"),
    unchanged: n("unchanged"),
    notFound: n("not_found"),
    failed: n("failed") + n("rejected"),
  };
  await notifyAgents(db, {
    recipients,
    kind: "campaign_ended",
    preference: "campaign_ended",
    causeKey: `campaign-ended:${campaign.id}`,
    collectivityId: campaign.collectivityId,
    render: (agentId) =>
      renderCampaignEndedMail(agentId, {
        communeName: commune.name,
        siret: commune.siret,
        campaignId: campaign.id,
        period: formatPeriod(campaign.annee, campaign.mois),
        stopped: campaign.status === "stopped",
        totals,
      }),
  });
}
