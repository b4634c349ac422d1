import { Input } from "~/components/dsfr/input";
import { RadioGroup } from "~/components/dsfr/radio-group";
import { Select } from "~/components/dsfr/select";
import type { ErrorSummaryItem } from "~/components/dsfr/error-summary";
import { RULE_KIND_LABELS } from "~/domain/pricing/rules";
import { formatBracketRange, type TariffBracket } from "~/portal/settings/tariff-brackets";
import { gridPriceField, RULE_KINDS } from "~/portal/tariffs/tariff-forms";

const FIELD_LABELS: Record<string, string> = {
  validFrom: "Date d’entrée en vigueur",
  kind: "Type de règle",
  rate: "Taux d’effort",
  floor: "Prix plancher",
  ceiling: "Prix plafond",
  qf1: "QF du premier point",
  price1: "Prix au premier point",
  qf2: "QF du second point",
  price2: "Prix au second point",
  noQfPrice: "Prix sans QF connu",
  reductionPercent: "Réduction",
  reductionFromChild: "À partir de l’enfant",
};

/** Summary items in the order of the fields (grid prices named by their bracket). */
export function ruleErrorItems(errors: Record<string, string>, brackets: readonly TariffBracket[]): ErrorSummaryItem[] {
  const order = [
    "validFrom",
    "kind",
    ...brackets.map((_, i) => gridPriceField(i)),
    "rate",
    "floor",
    "ceiling",
    "qf1",
    "price1",
    "qf2",
    "price2",
    "noQfPrice",
    "reductionPercent",
    "reductionFromChild",
  ];
  return order
    .filter((field) => errors[field])
    .map((field) => ({
      fieldId: field === "kind" ? `kind-${RULE_KINDS[0]}` : field,
      label: FIELD_LABELS[field] ?? `Prix de la ${brackets[Number(field.slice(6))]?.label ?? "tranche"}`,
      message: errors[field]!,
    }));
}

/**
 * The rule's fields. Without JavaScript every kind's fields are shown, grouped under its name;
 * only the chosen kind's are read.
 */
export function RuleFields({
  values,
  errors,
  brackets,
  perChild,
}: {
  values: Record<string, string>;
  errors: Record<string, string>;
  brackets: readonly TariffBracket[];
  perChild: boolean;
}) {
  const input = (name: string, label: string, hint?: string) => (
    <Input
      name={name}
      label={label}
      hint={hint}
      defaultValue={values[name] ?? ""}
      error={errors[name]}
      inputMode="decimal"
      autoComplete="off"
    />
  );
  return (
    <>
      <Input
        name="validFrom"
        type="date"
        label={FIELD_LABELS.validFrom}
        hint="Prévue, modifiable jusqu’à la publication (souvent le 1er septembre)"
        defaultValue={values.validFrom ?? ""}
        error={errors.validFrom}
      />
      <RadioGroup
        name="kind"
        legend={FIELD_LABELS.kind}
        options={RULE_KINDS.map((kind) => ({ value: kind, label: RULE_KIND_LABELS[kind] }))}
        defaultValue={values.kind}
        error={errors.kind}
      />
      <fieldset className="fr-fieldset" aria-labelledby="grille-legende">
        <legend className="fr-fieldset__legend" id="grille-legende">
          {RULE_KIND_LABELS.grid}
          <span className="fr-hint-text">Un prix en euros pour chaque tranche de QF de la commune.</span>
        </legend>
        {brackets.length === 0 ? (
          <p className="fr-fieldset__element fr-text--sm">
            La commune n’a pas de tranches de QF : un administrateur les définit dans « Tranches de QF ».
          </p>
        ) : (
          brackets.map((bracket, i) => (
            <div className="fr-fieldset__element" key={bracket.label}>
              {input(gridPriceField(i), `Prix de la ${bracket.label} (QF ${formatBracketRange(bracket)})`)}
            </div>
          ))
        )}
      </fieldset>
      <fieldset className="fr-fieldset" aria-labelledby="effort-legende">
        <legend className="fr-fieldset__legend" id="effort-legende">
          {RULE_KIND_LABELS.effort}
          <span className="fr-hint-text">Prix = QF × taux, ramené entre le plancher et le plafond.</span>
        </legend>
        <div className="fr-fieldset__element">{input("rate", "Taux d’effort (en %)", "Par exemple 0,32")}</div>
        <div className="fr-fieldset__element">{input("floor", "Prix plancher (en €)")}</div>
        <div className="fr-fieldset__element">{input("ceiling", "Prix plafond (en €)")}</div>
      </fieldset>
      <fieldset className="fr-fieldset" aria-labelledby="lineaire-legende">
        <legend className="fr-fieldset__legend" id="lineaire-legende">
          {RULE_KIND_LABELS.linear}
          <span className="fr-hint-text">
            En ligne droite d’un point à l’autre ; en dessous du premier et au-dessus du second, le prix reste celui du
            point.
          </span>
        </legend>
        <div className="fr-fieldset__element">{input("qf1", "QF du premier point (en €)")}</div>
        <div className="fr-fieldset__element">{input("price1", "Prix au premier point (en €)")}</div>
        <div className="fr-fieldset__element">{input("qf2", "QF du second point (en €)")}</div>
        <div className="fr-fieldset__element">{input("price2", "Prix au second point (en €)")}</div>
      </fieldset>
      {input(
        "noQfPrice",
        "Prix sans QF connu (en €)",
        "Appliqué aux familles dont le QF est inconnu, souvent le plus élevé",
      )}
      <Select
        name="rounding"
        label="Arrondi du prix calculé"
        defaultValue={values.rounding ?? "1"}
        options={[
          { value: "1", label: "Au centime le plus proche" },
          { value: "5", label: "Aux 5 centimes les plus proches" },
          { value: "10", label: "Aux 10 centimes les plus proches" },
        ]}
      />
      {perChild ? (
        <fieldset className="fr-fieldset" aria-labelledby="reduction-legende">
          <legend className="fr-fieldset__legend" id="reduction-legende">
            Réduction pour les enfants suivants
            <span className="fr-hint-text">Facultatif : laissez la réduction vide pour ne pas en appliquer.</span>
          </legend>
          <div className="fr-fieldset__element">{input("reductionPercent", "Réduction (en %)", "Par exemple 10")}</div>
          <div className="fr-fieldset__element">
            {input("reductionFromChild", "À partir de l’enfant n°", "2 pour le deuxième enfant")}
          </div>
        </fieldset>
      ) : null}
    </>
  );
}
