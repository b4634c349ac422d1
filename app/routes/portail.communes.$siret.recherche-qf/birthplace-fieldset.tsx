import { Checkbox } from "~/components/dsfr/checkbox";
import { Input } from "~/components/dsfr/input";
import { RadioGroup } from "~/components/dsfr/radio-group";
import { BirthCommuneInput } from "~/components/portal/birth-commune-input";
import { EMPTY_LOOKUP_VALUES } from "~/portal/qf-lookup/lookup-fields";
import type { LookupAnswer } from "./lookup-answer";

/**
 * Birth country and commune, typed by name (suggested as the agent types, with JavaScript); the
 * communes of an ambiguous or unknown name to choose from; and a commune that no longer exists.
 */
export function BirthplaceFieldset({
  answer,
  countries,
  suggestionsUrl,
}: {
  answer: LookupAnswer | undefined;
  countries: string[];
  suggestionsUrl: string;
}) {
  const values = answer?.values ?? EMPTY_LOOKUP_VALUES;
  const errors = answer?.errors ?? {};
  const ambiguous = (answer?.communeChoices.length ?? 0) > 0;
  const choices = ambiguous ? answer!.communeChoices : (answer?.communeSuggestions ?? []);
  const formerOpen = values.ancienneCommune === "1" || (answer?.offerFormerCommune ?? false);
  return (
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
          suggestionsUrl={suggestionsUrl}
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
            legend={ambiguous ? "Plusieurs communes portent ce nom : laquelle ?" : "Communes au nom proche"}
            options={choices.map((c) => ({ value: c.code, label: c.label }))}
            error={errors.communeCode}
          />
        </div>
      ) : null}
      <div className="fr-fieldset__element">
        <details open={formerOpen}>
          <summary>La commune de naissance n’existe plus ?</summary>
          <p className="fr-hint-text fr-mt-1w">
            Pour une commune disparue (fusionnée, renommée) que la liste ne propose pas : cochez la case, saisissez son
            nom d’alors dans « Commune de naissance » et son département. L’année de naissance est alors indispensable.
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
  );
}
