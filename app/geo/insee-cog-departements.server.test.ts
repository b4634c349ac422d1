import { describe, expect, it } from "vitest";
import { cogCommunes, cogDepartements, describeDepartement } from "./insee-cog.server";

describe("COG départements", () => {
  it("are the 101 départements, by the DEP code the communes use", () => {
    const departements = cogDepartements();
    expect(departements.size).toBe(101);
    const used = new Set([...cogCommunes().values()].filter((c) => c.type === "COM").map((c) => c.departement));
    expect([...used].sort()).toEqual([...departements.keys()].sort());
  });

  it("name each département as the COG does, Corsica and overseas included", () => {
    expect(describeDepartement("49")).toBe("49 — Maine-et-Loire");
    expect(describeDepartement("01")).toBe("01 — Ain");
    expect(describeDepartement("22")).toBe("22 — Côtes-d'Armor");
    expect(describeDepartement("2A")).toBe("2A — Corse-du-Sud");
    expect(describeDepartement("2B")).toBe("2B — Haute-Corse");
    expect(describeDepartement("75")).toBe("75 — Paris");
    expect(describeDepartement("974")).toBe("974 — La Réunion");
    expect(describeDepartement("976")).toBe("976 — Mayotte");
  });

  it("keep the bare number for a code the COG does not know", () => {
    expect(describeDepartement("99")).toBe("Département 99");
  });
});
