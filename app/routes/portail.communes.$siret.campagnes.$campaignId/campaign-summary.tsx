import { Link } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { CAMPAIGN_SCOPE_LABELS, CAMPAIGN_STATUS_LABELS, STOP_REASON_LABELS } from "~/portal/campaigns/campaign-labels";
import type { CampaignPage } from "./campaign-page.server";

/** The campaign's state, who launched it and when, and why it stopped. */
export function CampaignSummary({
  campaign,
  campaignsHref,
}: {
  campaign: CampaignPage["campaign"];
  campaignsHref: string;
}) {
  const finished = campaign.status === "done" || campaign.status === "stopped";
  return (
    <>
      <div className="fr-mb-3w">
        <Badge small type={finished ? (campaign.status === "done" ? "success" : "warning") : "info"}>
          {CAMPAIGN_STATUS_LABELS[campaign.status]}
        </Badge>
        <p className="fr-mt-1w fr-mb-0">
          {CAMPAIGN_SCOPE_LABELS[campaign.scope]} ·{" "}
          {campaign.trigger === "cron"
            ? "lancée automatiquement"
            : campaign.startedBy
              ? `lancée par ${campaign.startedBy}`
              : "lancée par un agent dont le compte a été supprimé"}
          {campaign.startedAt ? ` le ${campaign.startedAt}` : ""}
          {campaign.finishedAt ? ` · terminée le ${campaign.finishedAt}` : ""}
          {campaign.retryOf ? (
            <>
              {" "}
              · <Link to={`${campaignsHref}/${campaign.retryOf}`}>relance des échecs d’une mise à jour précédente</Link>
            </>
          ) : null}
        </p>
      </div>
      {campaign.status === "stopped" && campaign.stopReason ? (
        <Alert
          type={campaign.stopReason === "agent" ? "info" : "error"}
          small
          className="fr-mb-3w"
          description={`Mise à jour ${STOP_REASON_LABELS[campaign.stopReason] ?? "arrêtée"}.`}
        />
      ) : null}
    </>
  );
}
