import { describe, expect, it } from "vitest";
import { toApiParticulierIdentityParams } from "~/integrations/api-particulier/identity-params";
import { familyIdentityKey } from "../family-files/family-identity";
import { resolveBirthCommune, resolveBirthCountry, searchBirthCommunes } from "./birthplace.server";

describe("birth communes and countries by name (INSEE COG)", () => {
  it("resolves a unique name whatever the accents, case, hyphens or a trailing département", () => {
    for (const typed of ["Angers", "angers", "ANGERS (49)", "  Angers  "]) {
      expect(resolveBirthCommune(typed)).toEqual({
        kind: "found",
        commune: expect.objectContaining({ code: "49007", departement: "49" }),
      });
    }
    expect(resolveBirthCommune("charleville mezieres")).toMatchObject({ kind: "found", commune: { code: "08105" } });
    expect(resolveBirthCommune("St-Malo")).toMatchObject({ kind: "found", commune: { code: "35288" } });
  });

  it("lists every commune of an ambiguous name, and takes the one picked if it fits the name", () => {
    const ambiguous = resolveBirthCommune("Saint-Denis");
    expect(ambiguous.kind).toBe("ambiguous");
    if (ambiguous.kind !== "ambiguous") return;
    expect(ambiguous.candidates.length).toBeGreaterThan(1);
    expect(resolveBirthCommune("Saint-Denis", "97411")).toMatchObject({ kind: "found", commune: { code: "97411" } });
    // A code that does not bear the typed name is not taken.
    expect(resolveBirthCommune("Saint-Denis", "49007").kind).toBe("ambiguous");
    expect(resolveBirthCommune("Saint-Denis (974)")).toMatchObject({ kind: "found", commune: { code: "97411" } });
  });

  it("offers the arrondissements of Paris, not Paris itself (births are recorded by arrondissement)", () => {
    expect(resolveBirthCommune("Paris 7e Arrondissement")).toMatchObject({ commune: { code: "75107" } });
    const paris = resolveBirthCommune("Paris");
    expect(paris.kind).toBe("none");
    if (paris.kind === "none") expect(paris.suggestions.every((c) => c.code.startsWith("751"))).toBe(true);
  });

  it("suggests close names for an unknown one, at most 20 for the autocomplete, exact names first", () => {
    expect(resolveBirthCommune("Zzyzx")).toEqual({ kind: "none", suggestions: [] });
    expect(searchBirthCommunes("saint", 20)).toHaveLength(20);
    expect(searchBirthCommunes("a")).toEqual([]);
    expect(searchBirthCommunes("angers")[0]?.code).toBe("49007");
    expect(searchBirthCommunes("lambert des").some((c) => c.label.startsWith("Saint-Lambert-des-"))).toBe(true);
  });

  it("finds countries by name or code", () => {
    expect(resolveBirthCountry("maroc")).toEqual({ code: "99350", label: "Maroc" });
    expect(resolveBirthCountry("Royaume Uni")?.code).toBe("99132");
    expect(resolveBirthCountry("99100")?.label).toBe("France");
    expect(resolveBirthCountry("Atlantide")).toBeNull();
  });
});

describe("a former commune in the pivot identity", () => {
  const identity = {
    familyName: "MARTIN",
    givenNames: ["LOUISE"],
    gender: "female" as const,
    birthdate: "1950-03-00",
    birthplace: null,
    birthcountry: "99100",
  };

  it("is sent as name + département (API Particulier's option 2), never with a commune code", () => {
    const params = toApiParticulierIdentityParams(
      { ...identity, formerBirthplace: { name: "Saint-Lambert-des-Levées", departement: "49" } },
      "21490007900010",
    );
    expect(params.get("nomCommuneNaissance")).toBe("Saint-Lambert-des-Levées");
    expect(params.get("codeCogInseeDepartementNaissance")).toBe("49");
    expect(params.has("codeCogInseeCommuneNaissance")).toBe(false);
    expect(params.get("anneeDateNaissance")).toBe("1950");
    expect(params.has("jourDateNaissance")).toBe(false);
  });

  it("keeps two former communes apart in the identity key, and leaves other keys unchanged", () => {
    const a = familyIdentityKey({ ...identity, formerBirthplace: { name: "Saint-Lambert", departement: "49" } });
    const b = familyIdentityKey({ ...identity, formerBirthplace: { name: "Saint-Lambert", departement: "43" } });
    expect(a).not.toBe(b);
    expect(familyIdentityKey({ ...identity, formerBirthplace: null })).toBe(familyIdentityKey(identity));
  });
});
