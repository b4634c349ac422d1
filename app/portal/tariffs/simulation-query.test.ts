import { describe, expect, it } from "vitest";
import { parseSimulationQuery } from "./simulation-query";

const id = "0b6c1e2a-4f7d-4c1e-9a3b-2d5e6f7a8b9c";

describe("parseSimulationQuery", () => {
  it("reads the drafts and the units", () => {
    expect(parseSimulationQuery(new URLSearchParams({ projet: id, unites: "1 40" }))).toEqual({
      draftId: id,
      compareId: null,
      units: 140,
      unitsInput: "1 40",
      errors: {},
    });
    expect(parseSimulationQuery(new URLSearchParams({ projet: "x", unites: "" }))).toMatchObject({
      draftId: null,
      units: null,
      errors: {},
    });
  });

  it("ties a French message to bad units and keeps the drafts", () => {
    for (const [typed, message] of [
      ["beaucoup", /nombre entier/],
      ["-3", /nombre entier/],
      ["0", /au moins 1/],
      ["2,5", /nombre entier/],
      ["99999", /au plus 10000/],
    ] as const) {
      const query = parseSimulationQuery(new URLSearchParams({ projet: id, comparer: id, unites: typed }));
      expect(query).toMatchObject({ draftId: id, compareId: id, units: null, unitsInput: typed });
      expect(query.errors.unites).toMatch(message);
    }
  });
});
