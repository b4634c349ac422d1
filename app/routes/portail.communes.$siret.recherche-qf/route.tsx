import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { countryNames } from "~/portal/qf-lookup/birthplace.server";
import { getServices } from "~/services.server";
import { LookupForm } from "./lookup-form";
import { OutcomeAlert, SavedAlert } from "./lookup-alerts";
import { saveLookup, SAVED_FAMILY_PARAM, searchQuotient } from "./lookup-actions.server";
import { LookupResult } from "./lookup-result";

export const meta: MetaFunction = () => [{ title: "Rechercher un QF - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Rechercher un QF" }) };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const { flash, headers } = await readFlash(request);
  const savedId = new URL(request.url).searchParams.get(SAVED_FAMILY_PARAM);
  return data(
    {
      commune: { name: collectivity.name, siret: collectivity.siret },
      isAdmin: membership.role === "admin",
      countries: countryNames(),
      flash,
      // The file a save just went to: linked from its flash message, so only while that shows.
      savedFamilyId: flash && savedId && UUID.test(savedId) ? savedId : null,
    },
    { headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const form = await request.formData();
  const ctx = {
    db: await getDatabase(),
    collectivity,
    agentId: agent.id,
    requestId: context.requestId ?? null,
    encryptionKey: getServices().encryptionKey,
  };
  const intent = form.get("intent");
  if (intent === "enregistrer") return saveLookup(form, new URL(request.url).pathname, ctx);
  if (intent === "rechercher") return searchQuotient(form, ctx);
  throw data("Action inconnue", { status: 400 });
}

export default function QfLookup() {
  const { commune, isAdmin, countries, flash, savedFamilyId } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const base = `/portail/communes/${commune.siret}`;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Rechercher un quotient familial</h1>
      <p>
        Pour une famille qui ne peut pas utiliser FranceConnect : saisissez l’identité de naissance de l’allocataire (la
        personne qui reçoit les prestations de la CAF ou de la MSA), telle qu’elle figure sur son acte de naissance ou
        sa pièce d’identité. La recherche interroge API Particulier avec le jeton de la commune ; chaque recherche est
        inscrite au journal de la commune.
      </p>
      {flash && !answer ? (
        <SavedAlert flash={flash} fileHref={savedFamilyId && `${base}/dossiers/${savedFamilyId}`} />
      ) : null}
      {answer?.message ? (
        <OutcomeAlert message={answer.message} settingsHref={isAdmin ? `${base}/parametres` : null} />
      ) : null}
      {answer?.found && answer.sealed ? <LookupResult found={answer.found} sealed={answer.sealed} /> : null}
      {/* A new form after a save: the next lookup starts empty. */}
      <LookupForm
        key={savedFamilyId ?? "lookup"}
        answer={answer}
        countries={countries}
        suggestionsUrl={`${base}/communes-de-naissance`}
      />
    </div>
  );
}
