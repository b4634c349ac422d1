import { Form, Link } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { ALERT_LABELS } from "~/portal/campaigns/campaign-labels";
import type { CampaignsPage } from "./campaigns-page.server";

/**
 * The open alerts about the commune's API Particulier token, until an administrator
 * acknowledges them (an agent is told to warn one).
 */
export function TokenAlerts({
  alerts,
  isAdmin,
  base,
  busy,
}: {
  alerts: CampaignsPage["alerts"];
  isAdmin: boolean;
  /** The commune's space. */
  base: string;
  busy: boolean;
}) {
  return alerts.map((alert) => (
    <div key={alert.id} className="fr-mb-3w">
      <Alert
        type="error"
        role="alert"
        title="Action requise : jeton API Particulier"
        titleAs="h2"
        className="fr-mb-1w"
        description={
          <>
            {ALERT_LABELS[alert.kind] ?? "La mise à jour des QF a été arrêtée."}
            {alert.httpStatus ? ` (réponse ${alert.httpStatus})` : ""} — le {alert.at}.{" "}
            {isAdmin ? (
              <Link to={`${base}/parametres`}>Renouveler le jeton dans les paramètres</Link>
            ) : (
              "Prévenez un administrateur de la commune."
            )}
            {alert.campaignId ? (
              <>
                {" · "}
                <Link to={`${base}/campagnes/${alert.campaignId}`}>Voir la mise à jour arrêtée</Link>
              </>
            ) : null}
          </>
        }
      />
      {isAdmin ? (
        <Form method="post">
          <input type="hidden" name="alertId" value={alert.id} />
          <Button type="submit" name="intent" value="acquitter" size="sm" priority="secondary" disabled={busy}>
            J’ai pris connaissance de cette alerte
          </Button>
        </Form>
      ) : null}
    </div>
  ));
}
