import { describe, expect, it } from "vitest";
import { parseForm } from "~/forms/parse-form";
import { campaignScheduleSchema } from "./campaign-schedule-form";

const parse = (fields: Record<string, string>) => parseForm(campaignScheduleSchema, new URLSearchParams(fields));

describe("campaignScheduleSchema", () => {
  it("reads the default and no automatic update, whatever the date fields hold", () => {
    expect(parse({ mode: "defaut", day: "31" })).toMatchObject({
      success: true,
      data: { mode: "defaut", day: null, month: null },
    });
    expect(parse({ mode: "aucune" })).toMatchObject({
      success: true,
      data: { mode: "aucune", day: null, month: null },
    });
  });
  it("reads a date of the commune's, up to the 28th", () => {
    expect(parse({ mode: "date", day: "15", month: "9" })).toMatchObject({
      success: true,
      data: { mode: "date", day: 15, month: 9 },
    });
  });
  it("names each wrong field, and only the choice when it is missing", () => {
    expect(parse({ mode: "date", day: "31", month: "" })).toMatchObject({
      success: false,
      errors: {
        day: "Saisissez un jour entre 1 et 28 (il doit exister chaque année).",
        month: "Choisissez un mois.",
      },
    });
    expect(parse({ mode: "", day: "31" })).toEqual({
      success: false,
      errors: { mode: "Choisissez quand la mise à jour a lieu." },
      values: { mode: "", day: "31" },
    });
  });
});
