import { Link } from "@remix-run/react";
import { Table } from "~/components/dsfr/table";
import { CAMPAIGN_SCOPE_LABELS, CAMPAIGN_STATUS_LABELS } from "~/portal/campaigns/campaign-labels";
import type { CampaignsPage } from "./campaigns-page.server";

/** The commune's last campaigns, each a link to its page. */
export function CampaignHistory({ campaigns, base }: { campaigns: CampaignsPage["campaigns"]; base: string }) {
  return (
    <section className="fr-mt-4w" aria-labelledby="historique-titre">
      <h2 id="historique-titre">Mises à jour</h2>
      {campaigns.length === 0 ? (
        <p>Aucune mise à jour pour le moment.</p>
      ) : (
        <Table
          caption="Les 20 dernières mises à jour, de la plus récente à la plus ancienne"
          hideCaption
          size="sm"
          rowHeaders
          headers={["Période", "Lancée le", "Dossiers", "Familles", "État", "Origine"]}
          rows={campaigns.map((c) => ({
            key: c.id,
            cells: [
              <Link key="p" to={`${base}/campagnes/${c.id}`}>
                {c.period}
              </Link>,
              c.startedAt,
              CAMPAIGN_SCOPE_LABELS[c.scope],
              c.total.toLocaleString("fr-FR"),
              CAMPAIGN_STATUS_LABELS[c.status],
              c.trigger === "cron" ? "Automatique" : "Agent",
            ],
          }))}
        />
      )}
    </section>
  );
}
