import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Table } from "~/components/dsfr/table";
import type { AgentsPage } from "./agents-page.server";
import { HiddenFields } from "./hidden-fields";
import { roleLabel } from "./role-label";

/** Invitations not yet used, expired ones included (a new invitation to the address renews it). */
export function InvitationsSection({ invitations, busy }: { invitations: AgentsPage["invitations"]; busy: boolean }) {
  return (
    <section aria-labelledby="invitations-titre">
      <h2 id="invitations-titre">Invitations en attente</h2>
      {invitations.length === 0 ? (
        <p>Aucune invitation en attente.</p>
      ) : (
        <Table
          caption="Invitations en attente"
          hideCaption
          rowHeaders
          headers={["Adresse électronique", "Rôle", "Invité le", "Expire le", "Action"]}
          rows={invitations.map((invitation) => ({
            key: invitation.id,
            cells: [
              invitation.email,
              roleLabel(invitation.role),
              invitation.createdOn,
              invitation.expired ? `Expirée (${invitation.expiresOn})` : invitation.expiresOn,
              <Form key="cancel" method="post">
                <HiddenFields intent="cancel-invitation" fields={{ invitationId: invitation.id }} />
                <Button
                  type="submit"
                  size="sm"
                  priority="tertiary"
                  disabled={busy}
                  title={`Annuler l’invitation de ${invitation.email}`}
                >
                  Annuler
                </Button>
              </Form>,
            ],
          }))}
        />
      )}
    </section>
  );
}
