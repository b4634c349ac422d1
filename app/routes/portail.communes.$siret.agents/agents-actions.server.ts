import type { Database } from "../../../db/client.ts";
import type { Flash } from "~/http/flash";
import { cancelInvitation, inviteAgent } from "~/portal/access/invitations.server";
import { decideJoinRequest } from "~/portal/access/join-requests.server";
import {
  changeMemberRole,
  listMembers,
  revokeMembership,
  type MembershipChangeOutcome,
} from "~/portal/access/memberships.server";
import type { AgentsForm } from "./agents-forms";

/** Why nothing changed, said on the page as it was (no redirect: there is nothing new to show). */
export type Notice = { type: "error" | "info"; text: string };

/** A change made (its flash message, for the redirect), or why none was. */
export type AgentsOutcome = { done: Flash } | { notice: Notice } | { invalidEmail: true };

const CHANGE_REFUSED: Record<Exclude<MembershipChangeOutcome, "ok">, Notice> = {
  not_found: { type: "error", text: "Cet agent n’est plus membre de la commune." },
  last_admin: {
    type: "error",
    text: "La commune doit garder au moins un administrateur : nommez-en un autre d’abord.",
  },
};

const success = (message: string): AgentsOutcome => ({ done: { level: "success", message } });

/** Carries out one of the agents page's forms for an administrator of the commune. */
export async function applyAgentsForm(
  db: Database,
  form: AgentsForm,
  who: { collectivityId: string; agentId: string; requestId?: string | null },
): Promise<AgentsOutcome> {
  const common = { collectivityId: who.collectivityId, actor: who.agentId, requestId: who.requestId };
  switch (form.intent) {
    case "invite": {
      const outcome = await inviteAgent(db, { ...common, email: form.email, role: form.role, invitedBy: who.agentId });
      if (outcome.kind === "invalid_email") return { invalidEmail: true };
      if (outcome.kind === "already_member") {
        return { notice: { type: "info", text: "Cette personne est déjà membre de la commune." } };
      }
      return success(
        `Invitation enregistrée pour ${form.email} : elle lui est envoyée par courriel. Dès sa prochaine connexion avec ProConnect et cette adresse, votre collègue aura accès à l’espace.`,
      );
    }
    case "cancel-invitation":
      return (await cancelInvitation(db, { ...common, invitationId: form.invitationId }))
        ? success("Invitation annulée.")
        : { notice: { type: "error", text: "Cette invitation n’est plus en attente." } };
    case "change-role":
    case "revoke": {
      const { membershipId } = form;
      const members = await listMembers(db, who.collectivityId);
      if (members.find((m) => m.membershipId === membershipId)?.agentId === who.agentId) {
        return {
          notice: {
            type: "error",
            text: "Vous ne pouvez pas modifier votre propre accès : demandez-le à un autre administrateur.",
          },
        };
      }
      const outcome =
        form.intent === "revoke"
          ? await revokeMembership(db, { ...common, membershipId })
          : await changeMemberRole(db, { ...common, membershipId, role: form.role });
      return outcome === "ok" ? success("Modification enregistrée.") : { notice: CHANGE_REFUSED[outcome] };
    }
    case "accept-join":
    case "refuse-join": {
      const decision = form.intent === "accept-join" ? "accepted" : "refused";
      const decided = await decideJoinRequest(db, { ...common, joinRequestId: form.joinRequestId, decision });
      if (!decided) return { notice: { type: "error", text: "Cette demande a déjà été traitée." } };
      return success(
        decision === "accepted"
          ? "Demande acceptée : l’agent a maintenant accès à l’espace de la commune."
          : "Demande refusée.",
      );
    }
  }
}
