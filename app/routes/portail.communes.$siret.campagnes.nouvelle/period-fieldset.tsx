import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import { cx } from "~/components/dsfr/shared";
import { formatPeriod, MONTHS } from "~/portal/campaigns/campaign-labels";

/** The QF period asked of API Particulier: a month and a year, the current month by default. */
export function PeriodFieldset({
  current,
  values,
  errors,
}: {
  current: { annee: number; mois: number };
  values: { annee: string; mois: string };
  errors: { annee?: string; mois?: string };
}) {
  return (
    <fieldset
      className={cx("fr-fieldset", (errors.mois || errors.annee) && "fr-fieldset--error")}
      aria-labelledby="periode-legende"
    >
      <legend className="fr-fieldset__legend" id="periode-legende">
        Période du quotient familial
        <span className="fr-hint-text">Par défaut le mois en cours ({formatPeriod(current.annee, current.mois)}).</span>
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
  );
}
