import { Form } from "@remix-run/react";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { Table } from "~/components/dsfr/table";
import type { AgentsPage } from "./agents-page.server";
import { HiddenFields } from "./hidden-fields";
import { roleLabel } from "./role-label";

/** The commune's members and their roles; an administrator changes anyone's access but their own. */
export function MembersSection({ members, me, busy }: { members: AgentsPage["members"]; me: string; busy: boolean }) {
  return (
    <section className="fr-mb-6w" aria-labelledby="membres-titre">
      <h2 id="membres-titre">Membres</h2>
      <Table
        caption="Membres de l’espace de la commune"
        hideCaption
        rowHeaders
        headers={["Nom", "Adresse électronique", "Rôle", "Dernière connexion", "Actions"]}
        rows={members.map((member) => ({
          key: member.membershipId,
          cells: [
            member.agentId === me ? `${member.name} (vous)` : member.name,
            member.email,
            <Badge key="role" type={member.role === "admin" ? "info" : undefined} small noIcon>
              {roleLabel(member.role)}
            </Badge>,
            member.lastLogin ?? "Jamais connecté",
            member.agentId === me ? (
              "—"
            ) : (
              <div key="actions" className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                <Form method="post">
                  <HiddenFields
                    intent="change-role"
                    fields={{ membershipId: member.membershipId, role: member.role === "admin" ? "agent" : "admin" }}
                  />
                  <Button type="submit" size="sm" priority="secondary" disabled={busy}>
                    {member.role === "admin" ? "Passer agent" : "Nommer administrateur"}
                  </Button>
                </Form>
                <Form method="post">
                  <HiddenFields intent="revoke" fields={{ membershipId: member.membershipId }} />
                  <Button
                    type="submit"
                    size="sm"
                    priority="tertiary"
                    disabled={busy}
                    title={`Retirer l’accès de ${member.name}`}
                  >
                    Retirer l’accès
                  </Button>
                </Form>
              </div>
            ),
          ],
        }))}
      />
    </section>
  );
}
