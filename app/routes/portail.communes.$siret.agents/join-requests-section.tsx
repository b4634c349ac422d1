import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Table } from "~/components/dsfr/table";
import type { AgentsPage } from "./agents-page.server";
import { HiddenFields } from "./hidden-fields";

/** Agents whom ProConnect ties to the commune and who asked to join: accept or refuse each. */
export function JoinRequestsSection({
  joinRequests,
  busy,
}: {
  joinRequests: AgentsPage["joinRequests"];
  busy: boolean;
}) {
  if (joinRequests.length === 0) return null;
  return (
    <section className="fr-mb-6w" aria-labelledby="demandes-titre">
      <h2 id="demandes-titre">Demandes d’accès</h2>
      <p>
        Ces agents se sont connectés avec ProConnect, qui les rattache à votre commune, ou ont obtenu une habilitation
        DataPass pour elle alors qu’elle avait déjà un administrateur. Ce rattachement est déclaratif : n’acceptez que
        les personnes que vous connaissez. Une demande DataPass acceptée devient une invitation, valable à leur première
        connexion.
      </p>
      <Table
        caption="Demandes d’accès en attente"
        hideCaption
        rowHeaders
        headers={["Agent", "Adresse électronique", "Organisation déclarée", "Demandé le", "Décision"]}
        rows={joinRequests.map((request) => ({
          key: request.id,
          cells: [
            request.name,
            request.email,
            request.organizationLabel ?? "—",
            request.createdOn,
            <div key="actions" className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
              <Form method="post">
                <HiddenFields intent="accept-join" fields={{ joinRequestId: request.id }} />
                <Button type="submit" size="sm" disabled={busy}>
                  Accepter
                </Button>
              </Form>
              <Form method="post">
                <HiddenFields intent="refuse-join" fields={{ joinRequestId: request.id }} />
                <Button type="submit" size="sm" priority="secondary" disabled={busy}>
                  Refuser
                </Button>
              </Form>
            </div>,
          ],
        }))}
      />
    </section>
  );
}
