import { z } from "zod";
import { parseForm } from "~/forms/parse-form";

/*
 * The simulation page's GET parameters: which draft (`projet`), which other draft to compare
 * (`comparer`), and the expected units per family and year (`unites`). In the URL, so a
 * simulation can be shared with the council's secretary and needs nothing stored.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const versionParam = z.preprocess(
  (value) => (typeof value === "string" && UUID.test(value) ? value.toLowerCase() : null),
  z.string().nullable(),
);

export const MAX_UNITS_PER_YEAR = 10_000;

const simulationQuerySchema = z.object({
  projet: versionParam,
  comparer: versionParam,
  unites: z.preprocess(
    (value) => (typeof value === "string" ? value.replace(/[\s\u00a0\u202f]/g, "") : ""),
    z.string().transform((text, ctx): number | null => {
      if (text === "") return null;
      const units = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      const message = Number.isNaN(units)
        ? "Indiquez un nombre entier d’unités par famille et par an (par exemple 140)."
        : units < 1
          ? "Indiquez au moins 1 unité par famille et par an."
          : units > MAX_UNITS_PER_YEAR
            ? `Indiquez au plus ${MAX_UNITS_PER_YEAR} unités par famille et par an.`
            : null;
      if (message) ctx.addIssue({ code: "custom", message });
      return units;
    }),
  ),
});

export interface SimulationQuery {
  draftId: string | null;
  compareId: string | null;
  units: number | null;
  /** What was typed, to show it back. */
  unitsInput: string;
  errors: Record<string, string>;
}

/** Never throws: a bad `unites` becomes a French message tied to its field, the rest still simulates. */
export function parseSimulationQuery(params: URLSearchParams): SimulationQuery {
  const parsed = parseForm(simulationQuerySchema, params);
  const unitsInput = params.get("unites") ?? "";
  if (parsed.success) {
    return {
      draftId: parsed.data.projet,
      compareId: parsed.data.comparer,
      units: parsed.data.unites,
      unitsInput,
      errors: {},
    };
  }
  const projet = params.get("projet") ?? "";
  const comparer = params.get("comparer") ?? "";
  return {
    draftId: UUID.test(projet) ? projet.toLowerCase() : null,
    compareId: UUID.test(comparer) ? comparer.toLowerCase() : null,
    units: null,
    unitsInput,
    errors: parsed.errors,
  };
}
