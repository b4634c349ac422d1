import { Checkbox } from "~/components/dsfr/checkbox";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import type { ErrorSummaryItem } from "~/components/dsfr/error-summary";
import { SERVICE_UNITS, UNIT_LABELS } from "~/domain/pricing/rules";

const LABELS = {
  name: "Nom du service",
  unit: "Unité facturée",
  perChild: "Prix par enfant",
  expectedUnitsPerYear: "Unités par famille et par an",
} as const;

export const serviceErrorItems = (errors: Record<string, string>): ErrorSummaryItem[] =>
  (Object.keys(LABELS) as (keyof typeof LABELS)[])
    .filter((field) => errors[field])
    .map((field) => ({ fieldId: field, label: LABELS[field], message: errors[field]! }));

/** The service's fields, shared by the creation form and the service's page. */
export function ServiceFields({
  values,
  errors,
}: {
  values: Record<string, string | boolean | number | null | undefined>;
  errors: Record<string, string>;
}) {
  const text = (name: string) => {
    const value = values[name];
    return value === null || value === undefined || typeof value === "boolean" ? "" : String(value);
  };
  return (
    <>
      <Input
        name="name"
        label={LABELS.name}
        hint="Par exemple « Restauration scolaire » ou « Accueil périscolaire du soir »"
        defaultValue={text("name")}
        error={errors.name}
        maxLength={80}
        autoComplete="off"
      />
      <Select
        name="unit"
        label={LABELS.unit}
        defaultValue={text("unit") || "repas"}
        error={errors.unit}
        options={SERVICE_UNITS.map((unit) => ({ value: unit, label: UNIT_LABELS[unit].noun }))}
      />
      <Checkbox
        name="perChild"
        label={LABELS.perChild}
        hint="Chaque enfant inscrit paie : une réduction à partir du 2e enfant devient possible."
        defaultChecked={values.perChild === true || values.perChild === "on"}
        error={errors.perChild}
      />
      <Input
        name="expectedUnitsPerYear"
        label={LABELS.expectedUnitsPerYear}
        hint="Estimation pour la simulation des recettes, par exemple 140 repas par an. Facultatif."
        inputMode="numeric"
        defaultValue={text("expectedUnitsPerYear")}
        error={errors.expectedUnitsPerYear}
        autoComplete="off"
      />
    </>
  );
}
