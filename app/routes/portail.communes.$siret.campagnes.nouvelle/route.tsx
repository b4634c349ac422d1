import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { FORM_ERROR_KEY } from "~/forms/parse-form";
import { redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { CAMPAIGN_SCOPE_LABELS } from "~/portal/campaigns/campaign-labels";
import { loadNewCampaign, startCampaign, type NewCampaignRefused } from "./new-campaign.server";
import { PeriodFieldset } from "./period-fieldset";

export const meta: MetaFunction = () => [{ title: "Mettre à jour les QF - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = {
  breadcrumb: ({ params }) => [
    { label: "Mises à jour des QF", to: `/portail/communes/${params.siret}/campagnes` },
    { label: "Nouvelle mise à jour" },
  ],
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  const page = await loadNewCampaign(await getDatabase(), collectivity.id, new URL(request.url));
  return { ...page, commune: { siret: collectivity.siret } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const outcome = await startCampaign(await getDatabase(), {
    collectivityId: collectivity.id,
    agentId: agent.id,
    form: await request.formData(),
  });
  if (!outcome.ok) return data<NewCampaignRefused>({ errors: outcome.errors, values: outcome.values }, { status: 400 });
  return redirectWithFlash(`/portail/communes/${collectivity.siret}/campagnes/${outcome.campaignId}`, {
    level: "success",
    message: "Mise à jour lancée : elle se poursuit en arrière-plan.",
  });
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("fr-FR")} ${n > 1 ? many : one}`;
const FIELD_LABELS = { mois: "Mois", annee: "Année" } as const;

export default function NewCampaign() {
  const { commune, scope, backParams, error, eligible, matched, hidden, current } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const base = `/portail/communes/${commune.siret}`;
  const back = scope === "all" ? `${base}/campagnes` : `${base}/dossiers${backParams ? `?${backParams}` : ""}`;
  const errors = refused?.errors ?? {};
  const formError = error ?? errors[FORM_ERROR_KEY];
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Mettre à jour les quotients familiaux</h1>
      {formError ? (
        <Alert type="error" small role="alert" className="fr-mb-3w" description={formError} />
      ) : (
        <ErrorSummary
          className="fr-mb-3w"
          items={(["mois", "annee"] as const).flatMap((field) =>
            errors[field] ? [{ fieldId: field, label: FIELD_LABELS[field], message: errors[field] }] : [],
          )}
        />
      )}
      <div className="fr-callout fr-mb-4w">
        <h2 className="fr-callout__title">{CAMPAIGN_SCOPE_LABELS[scope]}</h2>
        <p className="fr-callout__text" data-testid="campaign-count">
          {scope === "selection" && matched === 0
            ? "Aucun dossier coché : cochez dans la liste les dossiers à mettre à jour, puis recommencez."
            : eligible === 0
              ? "Aucune famille à mettre à jour."
              : `${plural(eligible, "famille sera interrogée", "familles seront interrogées")} auprès de la CAF et de la MSA (API Particulier).`}
        </p>
        {matched > eligible ? (
          <p className="fr-text--sm fr-mb-0">
            {plural(matched - eligible, "dossier est laissé", "dossiers sont laissés")} de côté : identité illisible ou
            incomplète.
          </p>
        ) : null}
      </div>
      {eligible > 0 && !error ? (
        <Form method="post" className="fr-col-12 fr-col-md-8 fr-px-0">
          {hidden.map(([name, value], index) => (
            <input key={`${name}-${index}`} type="hidden" name={name} value={value} />
          ))}
          <PeriodFieldset
            current={current}
            values={refused?.values ?? { annee: String(current.annee), mois: String(current.mois) }}
            errors={errors}
          />
          <p>
            La mise à jour se fait en arrière-plan, au rythme autorisé par API Particulier. Vous pourrez la suivre, la
            suspendre ou l’arrêter.
          </p>
          <ButtonsGroup inline="sm">
            <li>
              <Button type="submit" disabled={busy}>
                Lancer la mise à jour de {plural(eligible, "famille", "familles")}
              </Button>
            </li>
            <li>
              <Link className="fr-btn fr-btn--secondary" to={back}>
                Annuler
              </Link>
            </li>
          </ButtonsGroup>
        </Form>
      ) : (
        <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" to={back}>
          {scope === "all" ? "Retour aux mises à jour" : "Retour aux dossiers"}
        </Link>
      )}
    </div>
  );
}
