import { Form, useNavigation } from "@remix-run/react";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { RadioGroup } from "~/components/dsfr/radio-group";
import { cx } from "~/components/dsfr/shared";
import {
  EMPTY_LOOKUP_VALUES,
  LOOKUP_FIELD_LABELS,
  type LookupErrors,
  type LookupField,
  type LookupValues,
} from "~/portal/qf-lookup/lookup-fields";
import { BirthplaceFieldset } from "./birthplace-fieldset";
import type { LookupAnswer } from "./lookup-answer";

const GIVEN_NAMES = [
  { name: "prenom1", label: "Premier prénom" },
  { name: "prenom2", label: "Deuxième prénom (facultatif)" },
  { name: "prenom3", label: "Troisième prénom (facultatif)" },
] as const;

const BIRTH_DATE_PARTS = [
  { name: "jourNaissance", label: "Jour", hint: "Facultatif. Exemple : 14", maxLength: 2, size: "number" },
  { name: "moisNaissance", label: "Mois", hint: "Facultatif. Exemple : 7", maxLength: 2, size: "number" },
  { name: "anneeNaissance", label: "Année", hint: "Exemple : 1984", maxLength: 4, size: "year" },
] as const;

/** Where an error link of the summary leads: the field, or the first radio of a group. */
const fieldAnchor = (field: LookupField, answer: LookupAnswer) =>
  field === "sexe"
    ? "sexe-F"
    : field === "communeCode"
      ? `communeCode-${(answer.communeChoices[0] ?? answer.communeSuggestions[0])?.code ?? ""}`
      : field;

/** A text field of the form, what was typed kept and its error under it. */
function TypedInput({
  name,
  values,
  errors,
  ...rest
}: { name: LookupField; values: LookupValues; errors: LookupErrors } & Omit<
  Parameters<typeof Input>[0],
  "name" | "defaultValue" | "error"
>) {
  return <Input name={name} defaultValue={values[name]} error={errors[name]} autoComplete="off" {...rest} />;
}

/** The identity form of the lookup: the allocataire's birth identity, field by field. */
export function LookupForm({
  answer,
  countries,
  suggestionsUrl,
}: {
  answer: LookupAnswer | undefined;
  countries: string[];
  suggestionsUrl: string;
}) {
  const busy = useNavigation().state !== "idle";
  const values = answer?.values ?? EMPTY_LOOKUP_VALUES;
  const errors = answer?.errors ?? {};
  const typed = { values, errors };
  const inError = (fields: readonly { name: LookupField }[]) => fields.some((field) => errors[field.name]);
  return (
    <>
      {answer && !answer.message ? (
        <ErrorSummary
          items={(Object.keys(errors) as LookupField[]).map((field) => ({
            fieldId: fieldAnchor(field, answer),
            label: LOOKUP_FIELD_LABELS[field],
            message: errors[field] ?? "",
          }))}
        />
      ) : null}
      <Form method="post" noValidate aria-labelledby="formulaire-titre">
        <h2 id="formulaire-titre">Identité de naissance de l’allocataire</h2>
        <p className="fr-hint-text">Sauf mention contraire, tous les champs sont obligatoires.</p>
        <TypedInput {...typed} name="nomNaissance" label="Nom de naissance" />
        <TypedInput
          {...typed}
          name="nomUsage"
          label="Nom d’usage (facultatif)"
          hint="Par exemple le nom d’époux ou d’épouse, s’il est différent du nom de naissance."
        />
        <fieldset
          className={cx("fr-fieldset", inError(GIVEN_NAMES) && "fr-fieldset--error")}
          aria-labelledby="prenoms-legende"
        >
          <legend className="fr-fieldset__legend" id="prenoms-legende">
            Prénoms
            <span className="fr-hint-text">Un prénom par champ, dans l’ordre de l’état civil ; jusqu’à trois.</span>
          </legend>
          {GIVEN_NAMES.map((field) => (
            <div className="fr-fieldset__element" key={field.name}>
              <TypedInput {...typed} name={field.name} label={field.label} />
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
          className={cx("fr-fieldset", inError(BIRTH_DATE_PARTS) && "fr-fieldset--error")}
          aria-labelledby="naissance-legende"
        >
          <legend className="fr-fieldset__legend" id="naissance-legende">
            Date de naissance
            <span className="fr-hint-text">
              L’année suffit si le jour ou le mois sont inconnus ; une date complète donne plus de chances de trouver le
              dossier.
            </span>
          </legend>
          {BIRTH_DATE_PARTS.map((part) => (
            <div
              key={part.name}
              className={`fr-fieldset__element fr-fieldset__element--inline fr-fieldset__element--${part.size}`}
            >
              <TypedInput
                {...typed}
                name={part.name}
                label={part.label}
                hint={part.hint}
                inputMode="numeric"
                maxLength={part.maxLength}
              />
            </div>
          ))}
        </fieldset>
        <BirthplaceFieldset answer={answer} countries={countries} suggestionsUrl={suggestionsUrl} />
        <Button type="submit" name="intent" value="rechercher" disabled={busy}>
          {answer?.message && answer.message.level === "warning" ? "Relancer la recherche" : "Rechercher le QF"}
        </Button>
      </Form>
    </>
  );
}
