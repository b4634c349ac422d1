import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import { cx } from "~/components/dsfr/shared";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { CAMPAIGN_SCOPE_LABELS, formatPeriod, MONTHS } from "~/portal/campaigns/campaign-labels";
import {
  MAX_SELECTED_FAMILIES,
  parseSelectedIds,
  resolveCampaignTarget,
  type CampaignTarget,
} from "~/portal/campaigns/campaign-portal.server";
import {
  backSearchParams,
  parseCampaignRequest,
  parsePeriod,
  SCOPE_PARAM,
  SELECTED_PARAM,
  type ParsedCampaignRequest,
} from "~/portal/campaigns/campaign-request";
import { createCampaign, currentParisPeriod } from "~/portal/campaigns/campaigns.server";
import type { Database } from "../../db/client.ts";

export const meta: MetaFunction = () => [{ title: "Mettre à jour les QF - Espace agents - Portail QF" }];

type Scope = ParsedCampaignRequest["scope"];

/** The families of the request, or why there are none to ask for. */
async function target(db: Database, collectivityId: string, request: ParsedCampaignRequest) {
  if (request.scope === "selection") {
    const ids = parseSelectedIds(request.ids);
    if (ids === null) return { error: `Sélectionnez au plus ${MAX_SELECTED_FAMILIES} dossiers.`, target: null };
    return {
      error: null,
      target: await resolveCampaignTarget(db, collectivityId, { scope: "selection", familyIds: ids }),
    };
  }
  if (request.scope === "search") {
    return {
      error: null,
      target: await resolveCampaignTarget(db, collectivityId, { scope: "search", query: request.query }),
    };
  }
  return { error: null, target: await resolveCampaignTarget(db, collectivityId, { scope: "all" }) };
}

/** Hidden fields that carry the request to the POST (the selection as ids of the commune). */
function hiddenFields(request: ParsedCampaignRequest, resolved: CampaignTarget | null): [string, string][] {
  if (request.scope === "all") return [[SCOPE_PARAM, "tous"]];
  if (request.scope === "search") {
    return [[SCOPE_PARAM, "recherche"], ...new URLSearchParams(request.searchParams).entries()];
  }
  const ids = resolved && resolved.familyIds !== "all" ? resolved.familyIds : [];
  return [[SCOPE_PARAM, "selection"], ...ids.map((id): [string, string] => [SELECTED_PARAM, id])];
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  const db = await getDatabase();
  const url = new URL(request.url);
  const parsed = parseCampaignRequest(url.searchParams);
  const { error, target: resolved } = await target(db, collectivity.id, parsed);
  const current = currentParisPeriod();
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    scope: parsed.scope as Scope,
    backParams: backSearchParams(url.searchParams, parsed),
    error,
    eligible: resolved?.eligibleCount ?? 0,
    matched: resolved?.matchedCount ?? 0,
    hidden: hiddenFields(parsed, resolved),
    current,
  };
}

type ActionResult = { errors: Record<string, string>; values: { annee: string; mois: string } };

export async function action({ request, params }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const db = await getDatabase();
  const form = await request.formData();
  const fields = new URLSearchParams();
  for (const [key, value] of form) if (typeof value === "string") fields.append(key, value);
  const values = { annee: fields.get("annee") ?? "", mois: fields.get("mois") ?? "" };
  const period = parsePeriod(values, currentParisPeriod());
  if (!period.ok) return data<ActionResult>({ errors: period.errors, values }, { status: 400 });
  const parsed = parseCampaignRequest(fields);
  const { error, target: resolved } = await target(db, collectivity.id, parsed);
  if (error || !resolved) return data<ActionResult>({ errors: { form: error ?? "" }, values }, { status: 400 });
  if (resolved.eligibleCount === 0) {
    return data<ActionResult>(
      {
        errors: { form: "Aucun de ces dossiers ne peut être mis à jour : aucune famille avec une identité lisible." },
        values,
      },
      { status: 400 },
    );
  }
  const campaign = await createCampaign(db, {
    collectivityId: collectivity.id,
    period: period.period,
    familyIds: resolved.familyIds,
    scope: resolved.scope,
    trigger: "agent",
    agentId: agent.id,
  });
  if (!campaign) throw new Error("campaign not created");
  return redirect(`/portail/communes/${collectivity.siret}/campagnes/${campaign.id}`);
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("fr-FR")} ${n > 1 ? many : one}`;

export default function NewCampaign() {
  const { commune, scope, backParams, error, eligible, matched, hidden, current } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const base = `/portail/communes/${commune.siret}`;
  const back = scope === "all" ? `${base}/campagnes` : `${base}/dossiers${backParams ? `?${backParams}` : ""}`;
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? { annee: String(current.annee), mois: String(current.mois) };
  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: base },
          { label: "Mises à jour des QF", to: `${base}/campagnes` },
        ]}
        currentPageLabel="Nouvelle mise à jour"
      />
      <h1>Mettre à jour les quotients familiaux</h1>
      {error || errors.form ? (
        <Alert type="error" small role="alert" className="fr-mb-3w" description={error ?? errors.form} />
      ) : (
        <ErrorSummary
          className="fr-mb-3w"
          items={(["mois", "annee"] as const).flatMap((field) =>
            errors[field]
              ? [{ fieldId: field, label: field === "mois" ? "Mois" : "Année", message: errors[field] }]
              : [],
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
          <fieldset
            className={cx("fr-fieldset", (errors.mois || errors.annee) && "fr-fieldset--error")}
            aria-labelledby="periode-legende"
          >
            <legend className="fr-fieldset__legend" id="periode-legende">
              Période du quotient familial
              <span className="fr-hint-text">
                Par défaut le mois en cours ({formatPeriod(current.annee, current.mois)}).
              </span>
            </legend>
            <div className="fr-fieldset__element fr-fieldset__element--inline">
              <Select
                name="mois"
                label="Mois"
                options={MONTHS.map((label, index) => ({ value: String(index + 1), label }))}
                defaultValue={values.mois}
                error={errors.mois}
              />
            </div>
            <div className="fr-fieldset__element fr-fieldset__element--inline">
              <Input
                name="annee"
                label="Année"
                inputMode="numeric"
                defaultValue={values.annee}
                error={errors.annee}
                autoComplete="off"
              />
            </div>
          </fieldset>
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
