import { z } from "zod";
import { oneOf } from "~/forms/fields";
import { invitationEmail } from "~/portal/access/invitation-email";

/**
 * The page's forms, one schema each, told apart by their `intent`. Only the invitation is typed
 * by a person; the other forms are buttons whose hidden fields a forged request could change.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = () => z.preprocess((value) => value ?? "", z.string().trim().regex(UUID, "Identifiant invalide"));
const role = () => oneOf(["agent", "admin"], "Rôle invalide");

export const inviteForm = z.object({ intent: z.literal("invite"), email: invitationEmail(), role: role() });
export const cancelInvitationForm = z.object({ intent: z.literal("cancel-invitation"), invitationId: id() });
export const changeRoleForm = z.object({ intent: z.literal("change-role"), membershipId: id(), role: role() });
export const revokeForm = z.object({ intent: z.literal("revoke"), membershipId: id() });
export const joinDecisionForm = z.object({ intent: z.enum(["accept-join", "refuse-join"]), joinRequestId: id() });

export const agentsForms = z.discriminatedUnion("intent", [
  inviteForm,
  cancelInvitationForm,
  changeRoleForm,
  revokeForm,
  joinDecisionForm,
]);

export type AgentsForm = z.output<typeof agentsForms>;
