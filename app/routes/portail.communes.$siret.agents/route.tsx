import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import { Table } from "~/components/dsfr/table";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import {
  cancelInvitation,
  INVITATION_TTL_DAYS,
  inviteAgent,
  listOpenInvitations,
} from "~/portal/access/invitations.server";
import { decideJoinRequest, listPendingJoinRequests } from "~/portal/access/join-requests.server";
import {
  changeMemberRole,
  listMembers,
  revokeMembership,
  type MembershipChangeOutcome,
} from "~/portal/access/memberships.server";
import { formatDate } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Agents de la commune - Espace agents - Portail QF" }];

const ROLE_OPTIONS = [
  { value: "agent", label: "Agent" },
  { value: "admin", label: "Administrateur" },
];
const roleLabel = (role: string) => (role === "admin" ? "Administrateur" : "Agent");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const db = await getDatabase();
  const [members, invitations, joinRequests] = await Promise.all([
    listMembers(db, collectivity.id),
    listOpenInvitations(db, collectivity.id),
    listPendingJoinRequests(db, collectivity.id),
  ]);
  const now = Date.now();
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    invitationDays: INVITATION_TTL_DAYS,
    me: agent.id,
    members: members.map((m) => ({
      membershipId: m.membershipId,
      agentId: m.agentId,
      name: `${m.givenName} ${m.usualName}`,
      email: m.email,
      role: m.role,
      lastLogin: m.lastLoginAt ? formatDate(m.lastLoginAt) : null,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      createdOn: formatDate(i.createdAt),
      expiresOn: formatDate(i.expiresAt),
      expired: i.expiresAt.getTime() <= now,
    })),
    joinRequests: joinRequests.map((r) => ({
      id: r.id,
      name: `${r.givenName} ${r.usualName}`,
      email: r.email,
      organizationLabel: r.organizationLabel,
      createdOn: formatDate(r.createdAt),
    })),
  };
}

type Notice = { type: "success" | "error" | "info"; text: string };
type ActionResult = {
  notice: Notice;
  inviteError?: string;
  inviteEmail?: string;
  /** Set after an invitation: remounts the form, emptied for the next one. */
  invitedAt?: number;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CHANGE_NOTICES: Record<MembershipChangeOutcome, Notice> = {
  ok: { type: "success", text: "Modification enregistrée." },
  not_found: { type: "error", text: "Cet agent n’est plus membre de la commune." },
  last_admin: {
    type: "error",
    text: "La commune doit garder au moins un administrateur : nommez-en un autre d’abord.",
  },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const db = await getDatabase();
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  const id = (name: string) => {
    const value = text(name);
    if (!UUID.test(value)) throw data("Identifiant invalide", { status: 400 });
    return value;
  };
  const role = () => {
    const value = text("role");
    if (value !== "admin" && value !== "agent") throw data("Rôle invalide", { status: 400 });
    return value;
  };
  const common = { collectivityId: collectivity.id, actor: agent.id, requestId: context.requestId };

  switch (text("intent")) {
    case "invite": {
      const email = text("email");
      const outcome = await inviteAgent(db, { ...common, email, role: role(), invitedBy: agent.id });
      if (outcome.kind === "invalid_email") {
        return data<ActionResult>(
          {
            notice: { type: "error", text: "L’invitation n’a pas été envoyée : l’adresse est invalide." },
            inviteError: "Saisissez une adresse électronique valide (exemple : prenom.nom@mairie-exemple.fr).",
            inviteEmail: email,
          },
          { status: 400 },
        );
      }
      if (outcome.kind === "already_member") {
        return {
          notice: { type: "info", text: "Cette personne est déjà membre de la commune." },
        } satisfies ActionResult;
      }
      return {
        invitedAt: Date.now(),
        notice: {
          type: "success",
          text: `Invitation enregistrée pour ${email.toLowerCase()}. Prévenez votre collègue : dès sa prochaine connexion avec ProConnect et cette adresse, il aura accès à l’espace.`,
        },
      } satisfies ActionResult;
    }
    case "cancel-invitation": {
      const cancelled = await cancelInvitation(db, { ...common, invitationId: id("invitationId") });
      return {
        notice: cancelled
          ? { type: "success", text: "Invitation annulée." }
          : { type: "error", text: "Cette invitation n’est plus en attente." },
      } satisfies ActionResult;
    }
    case "change-role":
    case "revoke": {
      const membershipId = id("membershipId");
      const members = await listMembers(db, collectivity.id);
      if (members.find((m) => m.membershipId === membershipId)?.agentId === agent.id) {
        return {
          notice: {
            type: "error",
            text: "Vous ne pouvez pas modifier votre propre accès : demandez-le à un autre administrateur.",
          },
        } satisfies ActionResult;
      }
      const outcome =
        text("intent") === "revoke"
          ? await revokeMembership(db, { ...common, membershipId })
          : await changeMemberRole(db, { ...common, membershipId, role: role() });
      return { notice: CHANGE_NOTICES[outcome] } satisfies ActionResult;
    }
    case "accept-join":
    case "refuse-join": {
      const decision = text("intent") === "accept-join" ? "accepted" : "refused";
      const decided = await decideJoinRequest(db, { ...common, joinRequestId: id("joinRequestId"), decision });
      const notice: Notice = !decided
        ? { type: "error", text: "Cette demande a déjà été traitée." }
        : decision === "accepted"
          ? { type: "success", text: "Demande acceptée : l’agent a maintenant accès à l’espace de la commune." }
          : { type: "success", text: "Demande refusée." };
      return { notice } satisfies ActionResult;
    }
    default:
      throw data("Action inconnue", { status: 400 });
  }
}

function Hidden({ intent, fields }: { intent: string; fields: Record<string, string> }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

export default function CommuneAgents() {
  const { commune, invitationDays, me, members, invitations, joinRequests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state !== "idle";
  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: `/portail/communes/${commune.siret}` },
        ]}
        currentPageLabel="Agents"
      />
      <h1>Agents de la commune</h1>
      {result ? (
        <Alert type={result.notice.type} small announce description={result.notice.text} className="fr-mb-4w" />
      ) : null}

      {joinRequests.length > 0 ? (
        <section className="fr-mb-6w" aria-labelledby="demandes-titre">
          <h2 id="demandes-titre">Demandes d’accès</h2>
          <p>
            Ces agents se sont connectés avec ProConnect, qui les rattache à votre commune. Ce rattachement est
            déclaratif : n’acceptez que les personnes que vous connaissez.
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
                    <Hidden intent="accept-join" fields={{ joinRequestId: request.id }} />
                    <Button type="submit" size="sm" disabled={busy}>
                      Accepter
                    </Button>
                  </Form>
                  <Form method="post">
                    <Hidden intent="refuse-join" fields={{ joinRequestId: request.id }} />
                    <Button type="submit" size="sm" priority="secondary" disabled={busy}>
                      Refuser
                    </Button>
                  </Form>
                </div>,
              ],
            }))}
          />
        </section>
      ) : null}

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
                    <Hidden
                      intent="change-role"
                      fields={{ membershipId: member.membershipId, role: member.role === "admin" ? "agent" : "admin" }}
                    />
                    <Button type="submit" size="sm" priority="secondary" disabled={busy}>
                      {member.role === "admin" ? "Passer agent" : "Nommer administrateur"}
                    </Button>
                  </Form>
                  <Form method="post">
                    <Hidden intent="revoke" fields={{ membershipId: member.membershipId }} />
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

      <section className="fr-mb-6w" aria-labelledby="inviter-titre">
        <h2 id="inviter-titre">Inviter un agent</h2>
        <p>
          Saisissez l’adresse électronique professionnelle de votre collègue, celle de son compte ProConnect. Aucun
          courriel n’est envoyé : prévenez-le. À sa prochaine connexion, il aura accès à l’espace. L’invitation vaut{" "}
          {invitationDays} jours.
        </p>
        <Form
          method="post"
          key={result?.invitedAt ?? "invite"}
          className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom"
        >
          <input type="hidden" name="intent" value="invite" />
          <Input
            className="fr-col-12 fr-col-md-6"
            name="email"
            type="email"
            label="Adresse électronique"
            hint="Exemple : prenom.nom@mairie-exemple.fr"
            required
            autoComplete="off"
            defaultValue={result?.inviteEmail}
            error={result?.inviteError}
          />
          <Select
            className="fr-col-12 fr-col-md-3"
            name="role"
            label="Rôle"
            options={ROLE_OPTIONS}
            defaultValue="agent"
          />
          <div className="fr-col-12 fr-col-md-3 fr-mb-3w">
            <Button type="submit" disabled={busy}>
              Inviter
            </Button>
          </div>
        </Form>
      </section>

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
                  <Hidden intent="cancel-invitation" fields={{ invitationId: invitation.id }} />
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
    </div>
  );
}
