import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useOutlet } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { Table } from "~/components/dsfr/table";
import { FlashAlert } from "~/components/flash-alert";
import { AgentBar } from "~/components/portal/agent-bar";
import { FirstAdministratorInvitation } from "~/components/portal/first-administrator-invitation";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { SUBSCRIPTION_LABELS } from "~/onboarding/hubee-subscription-labels";
import { syncSubscriptionsFromPage } from "~/onboarding/hubee-subscriptions.server";
import { getServices } from "~/services.server";
import { optionalText } from "~/forms/fields";
import { parseForm } from "~/forms/parse-form";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requirePlatformAdmin } from "~/portal/access/access.server";
import { INVALID_INVITATION_EMAIL, invitationEmail } from "~/portal/access/invitation-email";
import {
  invitePlatformAdministrator,
  listCommunesOverview,
  setCommuneStatus,
} from "~/portal/access/platform-admin.server";

export const meta: MetaFunction = () => [{ title: "Administration des communes - Portail QF" }];

/** The trail of this page, and the start of its child pages' (the dashboard). */
export const handle: BreadcrumbHandle = {
  breadcrumb: () => [
    { label: "Espace agents", to: "/portail" },
    { label: "Administration des communes", to: "/portail/administration" },
  ],
};

const PATH = "/portail/administration";

/** The platform administrator's view: communes and their access, never their families. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  const communes = await listCommunesOverview(await getDatabase());
  const { flash, headers } = await readFlash(request);
  return data(
    { agent: { givenName: agent.givenName, usualName: agent.usualName, email: agent.email }, communes, flash },
    { headers },
  );
}

type Notice = { type: "error" | "info"; text: string };
type ActionResult = {
  notice: Notice;
  /** An invalid address: the field says so and keeps what was typed, with the commune chosen. */
  inviteError?: string;
  inviteEmail?: string;
  inviteCollectivityId?: string;
};

/** One schema per form of the page: a commune's status button, the invitation of its administrator. */
const statusForm = z.object({ intent: z.enum(["activate", "deactivate"]), collectivityId: optionalText() });
const subscriptionsForm = z.object({ intent: z.literal("sync-subscriptions") });
const inviteAdminForm = z.object({
  intent: z.literal("invite-admin"),
  collectivityId: optionalText(),
  email: invitationEmail(),
});
const platformForms = z.discriminatedUnion("intent", [statusForm, inviteAdminForm, subscriptionsForm]);

const refusedInvitation = (email: string, collectivityId: string, text: string, fieldError: string, status = 400) =>
  data<ActionResult>(
    {
      notice: { type: "error", text },
      inviteError: fieldError,
      inviteEmail: email,
      inviteCollectivityId: collectivityId,
    },
    { status },
  );
const invalidInvitation = (email: string, collectivityId: string) =>
  refusedInvitation(
    email,
    collectivityId,
    "Adresse électronique invalide : l’invitation n’a pas été enregistrée.",
    INVALID_INVITATION_EMAIL,
  );

/** « Relire les abonnements HubEE »: what the hourly job does, now. */
async function syncSubscriptionsNow(db: Awaited<ReturnType<typeof getDatabase>>) {
  const outcome = await syncSubscriptionsFromPage(db, getServices().hubeeSubscriptions);
  if (outcome.ok) return redirectWithFlash(PATH, { level: "success", message: outcome.message });
  return data<ActionResult>({ notice: { type: "error", text: outcome.message } }, { status: 502 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  const db = await getDatabase();
  const form = parseForm(platformForms, await request.formData());
  if (form.success && form.data.intent === "sync-subscriptions") return syncSubscriptionsNow(db);
  const communes = await listCommunesOverview(db);
  const commune = communes.find((c) => c.id === form.values.collectivityId?.trim());
  if (!commune) throw data("Commune inconnue", { status: 400 });
  if (!form.success) {
    if (form.values.intent !== "invite-admin" || !form.errors.email) throw data("Action inconnue", { status: 400 });
    return invalidInvitation(form.values.email ?? "", commune.id);
  }
  const common = { collectivityId: commune.id, actor: agent.id, requestId: context.requestId };
  if (form.data.intent === "invite-admin") {
    const outcome = await invitePlatformAdministrator(db, {
      collectivityId: commune.id,
      email: form.data.email,
      actor: { id: agent.id, email: agent.email },
      requestId: context.requestId,
    });
    const typed = form.values.email ?? "";
    if (outcome.kind === "invalid_email") return invalidInvitation(typed, commune.id);
    // ADR 022: nobody at the platform lets themselves, or anyone, into a commune that has administrators.
    if (outcome.kind === "self_invitation")
      return refusedInvitation(
        typed,
        commune.id,
        "Vous ne pouvez pas vous inviter dans une commune : seuls ses agents lisent les dossiers des familles.",
        "Saisissez l’adresse de la personne qui administrera la commune, pas la vôtre.",
        403,
      );
    if (outcome.kind === "commune_has_administrators")
      return refusedInvitation(
        typed,
        commune.id,
        `${commune.name} a déjà un administrateur : c’est lui qui invite ses collègues, depuis la page « Agents » de la commune.`,
        "Cette commune a déjà un administrateur.",
        409,
      );
    if (outcome.kind === "already_member") {
      // Nothing changed, so no redirect: the page says so and keeps the form as it was sent.
      return {
        notice: { type: "info", text: "Cette personne est déjà membre de la commune." },
        inviteEmail: form.values.email,
        inviteCollectivityId: commune.id,
      } satisfies ActionResult;
    }
    return redirectWithFlash(PATH, {
      level: "success",
      message: `Invitation d’administrateur enregistrée pour ${commune.name}.`,
    });
  }
  const status = form.data.intent === "activate" ? "active" : "inactive";
  await setCommuneStatus(db, { ...common, status });
  return redirectWithFlash(PATH, {
    level: "success",
    message: `${commune.name} est ${status === "active" ? "activée" : "désactivée"}.`,
  });
}

export default function PlatformAdministration() {
  const { agent, communes, flash } = useLoaderData<typeof loader>();
  const result: ActionResult | undefined = useActionData<typeof action>();
  // A new page (the redirect after an invitation) starts with an empty form; an answer keeps it.
  const { key: formKey } = useLocation();
  const busy = useNavigation().state !== "idle";
  // Child pages (the dashboard) are whole pages of their own, not a section of this one.
  const outlet = useOutlet();
  if (outlet) return outlet;
  // A refused invitation keeps its commune selectable, so the page shows what was sent.
  const withoutAdministrator = communes.filter((c) => c.admins === 0 || c.id === result?.inviteCollectivityId);
  return (
    <>
      <AgentBar agent={agent} />
      <div className="fr-container fr-my-4w">
        <RouteBreadcrumb />
        <h1>Administration des communes</h1>
        <p>
          Vous gérez les communes de la plateforme. Vous ne voyez pas leurs dossiers : seuls les membres d’une commune y
          ont accès.
        </p>
        <p>
          <Link
            className="fr-link fr-icon-arrow-right-line fr-link--icon-right"
            to="/portail/administration/tableau-de-bord"
          >
            Tableau de bord de la plateforme : transmissions, échecs de livraison, taux d’erreur
          </Link>
        </p>
        <FlashAlert flash={flash} className="fr-mb-4w" />
        {result ? (
          <Alert type={result.notice.type} small announce description={result.notice.text} className="fr-mb-4w" />
        ) : null}
        <Form method="post" className="fr-mb-2w">
          <input type="hidden" name="intent" value="sync-subscriptions" />
          <Button type="submit" size="sm" priority="secondary" disabled={busy}>
            Relire les abonnements HubEE
          </Button>
        </Form>
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
        <FirstAdministratorInvitation
          communes={withoutAdministrator}
          formKey={formKey}
          busy={busy}
          collectivityId={result?.inviteCollectivityId}
          email={result?.inviteEmail}
          error={result?.inviteError}
        />
      </div>
    </>
  );
}
