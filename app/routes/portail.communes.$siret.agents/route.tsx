import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { INVALID_INVITATION_EMAIL } from "~/portal/access/invitation-email";
import { applyAgentsForm, type Notice } from "./agents-actions.server";
import { agentsForms } from "./agents-forms";
import { loadAgentsPage } from "./agents-page.server";
import { InvitationsSection } from "./invitations-section";
import { InviteForm } from "./invite-form";
import { JoinRequestsSection } from "./join-requests-section";
import { MembersSection } from "./members-section";

export const meta: MetaFunction = () => [{ title: "Agents de la commune - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Agents" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const page = await loadAgentsPage(await getDatabase(), collectivity.id);
  const { flash, headers } = await readFlash(request);
  return data({ flash, me: agent.id, ...page }, { headers });
}

type ActionResult = {
  notice: Notice;
  /** An invalid address: the field says so and keeps what was typed. */
  inviteError?: string;
  inviteEmail?: string;
  inviteRole?: string;
};

const invalidInvitation = ({ email = "", role }: Record<string, string>) =>
  data<ActionResult>(
    {
      notice: { type: "error", text: "L’invitation n’a pas été envoyée : l’adresse est invalide." },
      inviteError: INVALID_INVITATION_EMAIL,
      inviteEmail: email,
      inviteRole: role,
    },
    { status: 400 },
  );

/** A change redirects to the page with its message; a refusal is said on the page as it was. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const form = parseForm(agentsForms, await request.formData());
  if (!form.success) {
    const { errors, values } = form;
    if (values.intent === "invite" && errors.email && !errors.role) return invalidInvitation(values);
    throw data(errors.intent ? "Action inconnue" : Object.values(errors)[0], { status: 400 });
  }
  const outcome = await applyAgentsForm(await getDatabase(), form.data, {
    collectivityId: collectivity.id,
    agentId: agent.id,
    requestId: context.requestId,
  });
  if ("done" in outcome) return redirectWithFlash(new URL(request.url).pathname, outcome.done);
  if ("invalidEmail" in outcome) return invalidInvitation(form.values);
  return { notice: outcome.notice } satisfies ActionResult;
}

export default function CommuneAgents() {
  const { flash, invitationDays, me, members, invitations, joinRequests } = useLoaderData<typeof loader>();
  const result: ActionResult | undefined = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Agents de la commune</h1>
      <FlashAlert flash={flash} className="fr-mb-4w" />
      {result ? (
        <Alert type={result.notice.type} small announce description={result.notice.text} className="fr-mb-4w" />
      ) : null}
      <JoinRequestsSection joinRequests={joinRequests} busy={busy} />
      <MembersSection members={members} me={me} busy={busy} />
      <InviteForm
        invitationDays={invitationDays}
        busy={busy}
        email={result?.inviteEmail}
        role={result?.inviteRole}
        error={result?.inviteError}
      />
      <InvitationsSection invitations={invitations} busy={busy} />
    </div>
  );
}
