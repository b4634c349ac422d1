import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { RadioGroup } from "~/components/dsfr/radio-group";
import { Select } from "~/components/dsfr/select";
import { MONTHS } from "~/portal/campaigns/campaign-labels";
import type { CampaignSchedule } from "~/portal/campaigns/campaign-schedule-form";

/** The schedule's fields for its error summary: a link leads to the field, or to the first radio. */
const SCHEDULE_FIELDS = [
  { name: "mode", fieldId: "mode-defaut", label: "Date de la mise à jour annuelle" },
  { name: "day", fieldId: "day", label: "Jour" },
  { name: "month", fieldId: "month", label: "Mois" },
];

const asText = (value: number | null) => (value !== null ? String(value) : "");

/** The administrator's form for the yearly campaign day; after a refusal, what was typed and why. */
export function ScheduleForm({
  schedule,
  defaultDay,
  refused,
  busy,
}: {
  schedule: CampaignSchedule;
  /** The default day of next year, e.g. "4 janvier 2027". */
  defaultDay: string;
  refused: { errors: Record<string, string>; values: Record<string, string> } | null;
  busy: boolean;
}) {
  const errors = refused?.errors ?? {};
  const typed = refused?.values;
  return (
    <>
      <ErrorSummary
        titleAs="h3"
        className="fr-mb-3w"
        items={SCHEDULE_FIELDS.filter((f) => errors[f.name]).map(({ name, fieldId, label }) => ({
          fieldId,
          label,
          message: errors[name] ?? "",
        }))}
      />
      {/* Keyed by what is saved: after a save, the fields start again from it. */}
      <Form
        method="post"
        className="fr-col-12 fr-col-md-8 fr-px-0"
        key={`${schedule.mode}-${schedule.day}-${schedule.month}`}
      >
        <RadioGroup
          name="mode"
          legend="Quand la mise à jour annuelle a-t-elle lieu ?"
          options={[
            {
              value: "defaut",
              label: `Le premier jour ouvré de janvier (par défaut ; en ${defaultDay.slice(-4)} : le ${defaultDay})`,
            },
            { value: "date", label: "À une autre date, chaque année" },
            { value: "aucune", label: "Pas de mise à jour automatique" },
          ]}
          defaultValue={typed?.mode ?? schedule.mode}
          error={errors.mode}
        />
        <div className="fr-grid-row fr-grid-row--gutters">
          <Input
            className="fr-col-4 fr-col-md-3"
            name="day"
            label="Jour"
            hint="De 1 à 28"
            inputMode="numeric"
            defaultValue={typed?.day ?? asText(schedule.day)}
            error={errors.day}
            autoComplete="off"
          />
          <Select
            className="fr-col-8 fr-col-md-5"
            name="month"
            label="Mois"
            hint="Pour « À une autre date »"
            placeholder="Choisir un mois"
            options={MONTHS.map((label, index) => ({ value: String(index + 1), label }))}
            defaultValue={typed?.month ?? asText(schedule.month)}
            error={errors.month}
          />
        </div>
        <Button type="submit" name="intent" value="calendrier" disabled={busy}>
          Enregistrer le calendrier
        </Button>
      </Form>
    </>
  );
}
