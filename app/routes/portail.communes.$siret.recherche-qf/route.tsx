import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button } from "~/components/dsfr/button";
import { Checkbox } from "~/components/dsfr/checkbox";
import { RadioGroup } from "~/components/dsfr/radio-group";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { cx } from "~/components/dsfr/shared";
import { Table } from "~/components/dsfr/table";
import { BirthCommuneInput } from "~/components/portal/birth-commune-input";
import { formatDateFr, formatMonthYear, formatQuotient, providerLabel } from "~/domain/format";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import { countryNames } from "~/portal/qf-lookup/birthplace.server";
import {
  EMPTY_LOOKUP_VALUES,
  type LookupErrors,
  type LookupField,
  type LookupValues,
} from "~/portal/qf-lookup/lookup-fields";
import { API_PARAMETER_FIELDS, communeChoiceLabel, parseLookupForm } from "~/portal/qf-lookup/lookup-form.server";
import { lookupAuditOutcome, lookUpQuotientFamilial } from "~/portal/qf-lookup/lookup.server";
import { NO_QUOTIENT_MESSAGE, outcomeMessage, type OutcomeMessage } from "~/portal/qf-lookup/outcome-messages";
import { openLookupResult, saveLookupAsFamily, sealLookupResult } from "~/portal/qf-lookup/save-lookup.server";
import { getServices } from "~/services.server";
import type { FamilyMember } from "../../../db/schema/index.ts";

export const meta: MetaFunction = () => [{ title: "Rechercher un QF - Espace agents - Portail QF" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    isAdmin: membership.role === "admin",
    countries: countryNames(),
  };
}

interface Choice {
  code: string;
  label: string;
}

interface FoundQuotient {
  value: string;
  period: string;
  provider: string;
  allocataires: { name: string; birthdate: string }[];
  enfants: { name: string; birthdate: string }[];
}

interface ActionData {
  values: LookupValues;
  errors: LookupErrors;
  communeChoices: Choice[];
  communeSuggestions: Choice[];
  offerFormerCommune: boolean;
  message: OutcomeMessage | null;
  found: FoundQuotient | null;
  /** The answer, sealed for the "save" form. */
  sealed: string | null;
  saved: { familyId: string; isNew: boolean } | null;
}

const reply = (fields: Partial<ActionData>, status = 200) =>
  data<ActionData>(
    {
      values: EMPTY_LOOKUP_VALUES,
      errors: {},
      communeChoices: [],
      communeSuggestions: [],
      offerFormerCommune: false,
      message: null,
      found: null,
      sealed: null,
      saved: null,
      ...fields,
    },
    { status },
  );

const person = (
  m: FamilyMember | { nom_naissance: string; nom_usage?: string | null; prenoms: string; date_naissance: string },
) => ({
  name: [
    m.nom_usage && m.nom_usage !== m.nom_naissance ? `${m.nom_usage} (né·e ${m.nom_naissance})` : m.nom_naissance,
    m.prenoms,
  ].join(" "),
  birthdate: formatDateFr(m.date_naissance),
});

const choice = (commune: Parameters<typeof communeChoiceLabel>[0]): Choice => ({
  code: commune.code,
  label: communeChoiceLabel(commune),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  const db = await getDatabase();
  const { encryptionKey, apiParticulier, apiParticulierPacer } = getServices();
  const owner = { collectivityId: collectivity.id, agentId: agent.id };
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "enregistrer") {
    const sealed = form.get("resultat");
    const result = typeof sealed === "string" ? openLookupResult(encryptionKey, owner, sealed) : null;
    if (!result) {
      return reply(
        {
          message: {
            level: "error",
            title: "Ce résultat ne peut plus être enregistré",
            description:
              "Le résultat date de plus de 30 minutes ou n’a pas été obtenu par vous : relancez la recherche.",
          },
        },
        400,
      );
    }
    const saved = await saveLookupAsFamily(db, { ...owner, requestId: context.requestId ?? null, result });
    if (!saved) return reply({ message: NO_QUOTIENT_MESSAGE }, 400);
    return reply({ saved });
  }
  if (intent !== "rechercher") throw data("Action inconnue", { status: 400 });

  const parsed = parseLookupForm(form);
  if (!parsed.ok) {
    return reply(
      {
        values: parsed.values,
        errors: parsed.errors,
        communeChoices: parsed.communeChoices.map(choice),
        communeSuggestions: parsed.communeSuggestions.map(choice),
        offerFormerCommune: parsed.offerFormerCommune,
      },
      400,
    );
  }

  const outcome = await lookUpQuotientFamilial(
    db,
    { client: apiParticulier, pacer: apiParticulierPacer(db), encryptionKey },
    { collectivity, agentId: agent.id, identity: parsed.identity, usageName: parsed.usageName },
  );
  // The trail says a lookup happened and how it ended, never whom it was about.
  await recordAudit(db, {
    actor: agent.id,
    collectivityId: collectivity.id,
    action: "qf_lookup.performed",
    targetType: "collectivity",
    targetId: collectivity.id,
    requestId: context.requestId ?? null,
    details: { ...lookupAuditOutcome(outcome), birthplace: parsed.birthplaceOption },
  });

  const values = parsed.values;
  if (outcome.kind !== "ok") {
    const errors: LookupErrors = {};
    if (outcome.kind === "invalid_request") {
      for (const parameter of outcome.parameters) {
        const field = API_PARAMETER_FIELDS[parameter];
        if (field) errors[field] = "API Particulier n’accepte pas cette valeur : vérifiez-la.";
      }
    }
    const status = outcome.kind === "not_found" ? 200 : outcome.kind === "invalid_request" ? 422 : 503;
    return reply(
      {
        values,
        errors,
        message: outcomeMessage(outcome),
        offerFormerCommune: outcome.kind === "not_found" && parsed.birthplaceOption !== "abroad",
      },
      outcome.kind.endsWith("rate_limited") ? 429 : status,
    );
  }
  const qf = outcome.data.quotient_familial;
  if (!qf) return reply({ values, message: NO_QUOTIENT_MESSAGE });
  return reply({
    values,
    found: {
      value: formatQuotient(qf.valeur),
      period: formatMonthYear(qf.mois, qf.annee),
      provider: providerLabel(qf.fournisseur),
      allocataires: (outcome.data.allocataires ?? []).map(person),
      enfants: (outcome.data.enfants ?? []).map(person),
    },
    sealed: sealLookupResult(encryptionKey, owner, { identity: parsed.identity, data: outcome.data }),
  });
}

const FIELD_LABELS: Record<LookupField, string> = {
  nomNaissance: "Nom de naissance",
  nomUsage: "Nom d’usage",
  prenom1: "Premier prénom",
  prenom2: "Deuxième prénom",
  prenom3: "Troisième prénom",
  sexe: "Sexe",
  jourNaissance: "Jour de naissance",
  moisNaissance: "Mois de naissance",
  anneeNaissance: "Année de naissance",
  paysNaissance: "Pays de naissance",
  communeNaissance: "Commune de naissance",
  communeCode: "Choix de la commune",
  ancienneCommune: "Ancienne commune",
  departementNaissance: "Département de naissance",
};

/** Where an error link of the summary leads: the field, or the first radio of a group. */
const fieldAnchor = (field: LookupField, data: ActionData) =>
  field === "sexe"
    ? "sexe-F"
    : field === "communeCode"
      ? `communeCode-${(data.communeChoices[0] ?? data.communeSuggestions[0])?.code ?? ""}`
      : field;

export default function QfLookup() {
  const { commune, isAdmin, countries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const values = actionData?.values ?? EMPTY_LOOKUP_VALUES;
  const errors = actionData?.errors ?? {};
  const errorFields = Object.keys(errors) as LookupField[];
  const choices = actionData?.communeChoices.length
    ? actionData.communeChoices
    : (actionData?.communeSuggestions ?? []);
  const formerOpen = values.ancienneCommune === "1" || (actionData?.offerFormerCommune ?? false);
  const base = `/portail/communes/${commune.siret}`;
  // A new form after a save: the next lookup starts empty.
  const formKey = actionData?.saved ? actionData.saved.familyId : "lookup";

  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: base },
        ]}
        currentPageLabel="Rechercher un QF"
      />
      <h1>Rechercher un quotient familial</h1>
      <p>
        Pour une famille qui ne peut pas utiliser FranceConnect : saisissez l’identité de naissance de l’allocataire (la
        personne qui reçoit les prestations de la CAF ou de la MSA), telle qu’elle figure sur son acte de naissance ou
        sa pièce d’identité. La recherche interroge API Particulier avec le jeton de la commune ; chaque recherche est
        inscrite au journal de la commune.
      </p>

      {actionData?.saved ? (
        <div className="fr-alert fr-alert--success fr-mb-4w" role="status">
          <h2 className="fr-alert__title">
            {actionData.saved.isNew ? "Dossier famille créé" : "QF ajouté au dossier famille existant"}
          </h2>
          <p>
            {actionData.saved.isNew
              ? "Le quotient familial est enregistré dans un nouveau dossier de la commune ; il sera mis à jour par les prochaines campagnes annuelles."
              : "Cette personne avait déjà un dossier dans la commune : le quotient familial a été ajouté à son historique."}{" "}
            <Link to={`${base}/dossiers/${actionData.saved.familyId}`}>Ouvrir le dossier famille</Link>
          </p>
        </div>
      ) : null}

      {actionData && !actionData.message ? (
        <ErrorSummary
          items={errorFields.map((field) => ({
            fieldId: fieldAnchor(field, actionData),
            label: FIELD_LABELS[field],
            message: errors[field] ?? "",
          }))}
        />
      ) : null}

      {actionData?.message ? (
        <div className={`fr-alert fr-alert--${actionData.message.level} fr-mb-4w`} role="alert">
          <h2 className="fr-alert__title">{actionData.message.title}</h2>
          <p>{actionData.message.description}</p>
          {actionData.message.advice ? (
            <ul>
              {actionData.message.advice.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
          {actionData.message.settingsLink ? (
            <p>
              {isAdmin ? (
                <Link to={`${base}/parametres`}>Ouvrir les paramètres de la commune</Link>
              ) : (
                "Prévenez un administrateur de la commune (page « Paramètres »)."
              )}
            </p>
          ) : null}
        </div>
      ) : null}

      {actionData?.found && actionData.sealed ? (
        <section className="fr-mb-6w" aria-labelledby="resultat-titre">
          <h2 id="resultat-titre">Quotient familial trouvé</h2>
          <Table
            caption="Quotient familial"
            headers={["Quotient familial", "Mois", "Organisme"]}
            rows={[
              {
                key: "qf",
                cells: [actionData.found.value, actionData.found.period, actionData.found.provider],
              },
            ]}
          />
          <Table
            caption="Allocataires"
            headers={["Nom et prénoms", "Date de naissance"]}
            rowHeaders
            rows={actionData.found.allocataires.map((m, i) => ({ key: `a${i}`, cells: [m.name, m.birthdate] }))}
          />
          {actionData.found.enfants.length > 0 ? (
            <Table
              caption={`Enfants (${actionData.found.enfants.length})`}
              headers={["Nom et prénoms", "Date de naissance"]}
              rowHeaders
              rows={actionData.found.enfants.map((m, i) => ({ key: `e${i}`, cells: [m.name, m.birthdate] }))}
            />
          ) : (
            <p>Aucun enfant n’est déclaré dans ce dossier.</p>
          )}
          <Form method="post">
            <input type="hidden" name="resultat" value={actionData.sealed} />
            <p className="fr-hint-text">
              Si la personne a déjà un dossier dans la commune (même identité de naissance), le QF est ajouté à son
              historique ; sinon un dossier est créé. Le dossier est ensuite mis à jour par les campagnes annuelles.
            </p>
            <Button type="submit" name="intent" value="enregistrer" disabled={busy}>
              Enregistrer comme dossier de la commune
            </Button>
          </Form>
        </section>
      ) : null}

      <Form method="post" noValidate key={formKey} aria-labelledby="formulaire-titre">
        <h2 id="formulaire-titre">Identité de naissance de l’allocataire</h2>
        <p className="fr-hint-text">Sauf mention contraire, tous les champs sont obligatoires.</p>
        <Input
          name="nomNaissance"
          label="Nom de naissance"
          defaultValue={values.nomNaissance}
          error={errors.nomNaissance}
          autoComplete="off"
        />
        <Input
          name="nomUsage"
          label="Nom d’usage (facultatif)"
          hint="Par exemple le nom d’époux ou d’épouse, s’il est différent du nom de naissance."
          defaultValue={values.nomUsage}
          error={errors.nomUsage}
          autoComplete="off"
        />
        <fieldset
          className={cx("fr-fieldset", (errors.prenom1 || errors.prenom2 || errors.prenom3) && "fr-fieldset--error")}
          aria-labelledby="prenoms-legende"
        >
          <legend className="fr-fieldset__legend" id="prenoms-legende">
            Prénoms
            <span className="fr-hint-text">Un prénom par champ, dans l’ordre de l’état civil ; jusqu’à trois.</span>
          </legend>
          {(["prenom1", "prenom2", "prenom3"] as const).map((field, i) => (
            <div className="fr-fieldset__element" key={field}>
              <Input
                name={field}
                label={
                  i === 0
                    ? "Premier prénom"
                    : i === 1
                      ? "Deuxième prénom (facultatif)"
                      : "Troisième prénom (facultatif)"
                }
                defaultValue={values[field]}
                error={errors[field]}
                autoComplete="off"
              />
            </div>
          ))}
        </fieldset>
        <RadioGroup
          name="sexe"
          legend="Sexe à l’état civil"
          options={[
            { value: "F", label: "Féminin" },
            { value: "M", label: "Masculin" },
          ]}
          defaultValue={values.sexe}
          error={errors.sexe}
          inline
        />
        <fieldset
          className={cx(
            "fr-fieldset",
            (errors.jourNaissance || errors.moisNaissance || errors.anneeNaissance) && "fr-fieldset--error",
          )}
          aria-labelledby="naissance-legende"
        >
          <legend className="fr-fieldset__legend" id="naissance-legende">
            Date de naissance
            <span className="fr-hint-text">
              L’année suffit si le jour ou le mois sont inconnus ; une date complète donne plus de chances de trouver le
              dossier.
            </span>
          </legend>
          <div className="fr-fieldset__element fr-fieldset__element--inline fr-fieldset__element--number">
            <Input
              name="jourNaissance"
              label="Jour"
              hint="Facultatif. Exemple : 14"
              inputMode="numeric"
              maxLength={2}
              defaultValue={values.jourNaissance}
              error={errors.jourNaissance}
              autoComplete="off"
            />
          </div>
          <div className="fr-fieldset__element fr-fieldset__element--inline fr-fieldset__element--number">
            <Input
              name="moisNaissance"
              label="Mois"
              hint="Facultatif. Exemple : 7"
              inputMode="numeric"
              maxLength={2}
              defaultValue={values.moisNaissance}
              error={errors.moisNaissance}
              autoComplete="off"
            />
          </div>
          <div className="fr-fieldset__element fr-fieldset__element--inline fr-fieldset__element--year">
            <Input
              name="anneeNaissance"
              label="Année"
              hint="Exemple : 1984"
              inputMode="numeric"
              maxLength={4}
              defaultValue={values.anneeNaissance}
              error={errors.anneeNaissance}
              autoComplete="off"
            />
          </div>
        </fieldset>
        <fieldset className="fr-fieldset" aria-labelledby="lieu-legende">
          <legend className="fr-fieldset__legend" id="lieu-legende">
            Lieu de naissance
          </legend>
          <div className="fr-fieldset__element">
            <Input
              name="paysNaissance"
              label="Pays de naissance"
              hint="Saisissez le nom du pays, par exemple France ou Maroc ; une liste vous est proposée."
              list="pays-naissance-liste"
              defaultValue={values.paysNaissance}
              error={errors.paysNaissance}
              autoComplete="off"
            />
            <datalist id="pays-naissance-liste">
              {countries.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </div>
          <div className="fr-fieldset__element">
            <BirthCommuneInput
              name="communeNaissance"
              label="Commune de naissance (personnes nées en France)"
              hint="Saisissez le nom de la commune, par exemple Angers ; une liste vous est proposée. Laissez vide pour une personne née à l’étranger."
              suggestionsUrl={`${base}/communes-de-naissance`}
              defaultValue={values.communeNaissance}
              error={errors.communeNaissance}
            />
          </div>
          {choices.length === 0 && values.communeCode ? (
            // The commune already resolved: kept, in case its name alone is shared by another one.
            <input type="hidden" name="communeCode" value={values.communeCode} />
          ) : null}
          {choices.length > 0 ? (
            <div className="fr-fieldset__element">
              <RadioGroup
                name="communeCode"
                legendId="commune-choix-legende"
                legend={
                  actionData?.communeChoices.length
                    ? "Plusieurs communes portent ce nom : laquelle ?"
                    : "Communes au nom proche"
                }
                options={choices.map((c) => ({ value: c.code, label: c.label }))}
                error={errors.communeCode}
              />
            </div>
          ) : null}
          <div className="fr-fieldset__element">
            <details open={formerOpen}>
              <summary>La commune de naissance n’existe plus ?</summary>
              <p className="fr-hint-text fr-mt-1w">
                Pour une commune disparue (fusionnée, renommée) que la liste ne propose pas : cochez la case, saisissez
                son nom d’alors dans « Commune de naissance » et son département. L’année de naissance est alors
                indispensable.
              </p>
              <Checkbox
                name="ancienneCommune"
                value="1"
                label="La personne est née dans une commune qui n’existe plus"
                defaultChecked={values.ancienneCommune === "1"}
                error={errors.ancienneCommune}
              />
              <Input
                name="departementNaissance"
                label="Département de naissance (ancienne commune seulement)"
                hint="Code du département, par exemple 49, 2A ou 971."
                maxLength={3}
                defaultValue={values.departementNaissance}
                error={errors.departementNaissance}
                autoComplete="off"
              />
            </details>
          </div>
        </fieldset>
        <Button type="submit" name="intent" value="rechercher" disabled={busy}>
          {actionData?.message && actionData.message.level === "warning" ? "Relancer la recherche" : "Rechercher le QF"}
        </Button>
      </Form>
    </div>
  );
}
