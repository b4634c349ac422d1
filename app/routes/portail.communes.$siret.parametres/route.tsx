import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { ApiParticulierTokenForm } from "./api-particulier-token-form";
import { HubeeCredentialsForm } from "./hubee-credentials-form";
import { PublicPageForm } from "./public-page-form";
import { RedirectOriginsForm } from "./redirect-origins-form";
import { applySettingsForm, type SectionAnswer } from "./settings-actions.server";
import { sectionOf, type Section } from "./settings-forms";
import { loadSettingsPage } from "./settings-page.server";

export const meta: MetaFunction = () => [{ title: "Paramètres de la commune - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Paramètres" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const page = await loadSettingsPage(await getDatabase(), collectivity.id, { allowHttpOrigins: getConfig().demoMode });
  const { flash, headers } = await readFlash(request);
  return data({ flash, ...page }, { headers });
}

/** A save redirects to the page with its message; a test or a field to correct answers in its section. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const form = await request.formData();
  const section = sectionOf(form.get("intent"));
  if (!section) throw data("Action inconnue", { status: 400 });
  const outcome = await applySettingsForm(await getDatabase(), section, form, {
    collectivityId: collectivity.id,
    siret: collectivity.siret,
    agentId: agent.id,
    requestId: context.requestId,
  });
  if ("saved" in outcome) {
    return redirectWithFlash(new URL(request.url).pathname, { level: "success", message: outcome.saved });
  }
  return data<SectionAnswer>(outcome.answer, { status: outcome.status });
}

export default function CommuneSettings() {
  const { flash, hubeeSi, apiParticulier, redirectOrigins, refusedOrigins, publicPage, allowHttpOrigins, formKeys } =
    useLoaderData<typeof loader>();
  const answer: SectionAnswer | undefined = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const of = (section: Section) => (answer?.section === section ? answer : null);
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Paramètres de la commune</h1>
      <p>
        Les secrets ne sont jamais réaffichés : ils sont chiffrés dès leur enregistrement. Pour en changer, saisissez la
        nouvelle valeur.
      </p>
      <FlashAlert flash={flash} />
      <HubeeCredentialsForm hubeeSi={hubeeSi} formKey={formKeys.hubee} answer={of("hubee")} busy={busy} />
      <ApiParticulierTokenForm
        apiParticulier={apiParticulier}
        formKey={formKeys.apiParticulier}
        answer={of("apiParticulier")}
        busy={busy}
      />
      <RedirectOriginsForm
        origins={redirectOrigins}
        refusedOrigins={refusedOrigins}
        allowHttp={allowHttpOrigins}
        formKey={formKeys.origins}
        answer={of("origins")}
        busy={busy}
      />
      <PublicPageForm publicPage={publicPage} formKey={formKeys.publicPage} answer={of("publicPage")} busy={busy} />
    </div>
  );
}
