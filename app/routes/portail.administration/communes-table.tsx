import { Form } from "@remix-run/react";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { Table } from "~/components/dsfr/table";
import { SUBSCRIPTION_LABELS } from "~/onboarding/hubee-subscription-labels";
import type { CommuneOverview } from "~/portal/access/platform-admin.server";

/** Every commune of the platform: its status, software, HubEE subscription and who can access it. */
export function CommunesTable({ communes, busy }: { communes: CommuneOverview[]; busy: boolean }) {
  return (
    <Table
      caption="Communes de la plateforme"
      rowHeaders
      headers={[
        "Commune",
        "SIRET",
        "Département",
        "Statut",
        "Logiciel",
        "Abonnement HubEE",
        "Administrateurs",
        "Agents",
        "Invitations en attente",
        "Action",
      ]}
      rows={communes.map((commune) => ({
        key: commune.id,
        cells: [
          commune.name,
          commune.siret,
          commune.departement,
          <Badge key="status" type={commune.status === "active" ? "success" : "warning"} small>
            {commune.status === "active" ? "Active" : "Inactive"}
          </Badge>,
          commune.editor ?? "Portail QF",
          SUBSCRIPTION_LABELS[commune.hubeeSubscription ?? "unknown"],
          String(commune.admins),
          String(commune.agents),
          String(commune.openInvitations),
          <Form key="status-form" method="post">
            <input type="hidden" name="collectivityId" value={commune.id} />
            <input type="hidden" name="intent" value={commune.status === "active" ? "deactivate" : "activate"} />
            <Button type="submit" size="sm" priority="secondary" disabled={busy}>
              {commune.status === "active" ? `Désactiver ${commune.name}` : `Activer ${commune.name}`}
            </Button>
          </Form>,
        ],
      }))}
    />
  );
}
