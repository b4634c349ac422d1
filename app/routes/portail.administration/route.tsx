import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useOutlet } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { FlashAlert } from "~/components/flash-alert";
import { AgentBar } from "~/components/portal/agent-bar";
import { FirstAdministratorInvitation } from "~/components/portal/first-administrator-invitation";
import { CommuneCompletionForm } from "./commune-completion-form";
import { CommunesTable } from "./communes-table";
import { applyPlatformForm, type ActionResult } from "./platform-actions.server";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash } from "~/http/flash.server";
import { requirePlatformAdmin } from "~/portal/access/access.server";
import { listCommunesOverview } from "~/portal/access/platform-admin.server";

export const meta: MetaFunction = () => [{ title: "Administration des communes - Portail QF" }];

/** The trail of this page, and the start of its child pages' (the dashboard). */
export const handle: BreadcrumbHandle = {
  breadcrumb: () => [
    { label: "Espace agents", to: "/portail" },
    { label: "Administration des communes", to: "/portail/administration" },
  ],
};

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

export async function action({ request, context }: ActionFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  return applyPlatformForm(await getDatabase(), await request.formData(), agent, context.requestId);
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
        <CommunesTable communes={communes} busy={busy} />
        <CommuneCompletionForm
          formKey={formKey}
          busy={busy}
          values={result?.communeValues}
          errors={result?.communeErrors}
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
