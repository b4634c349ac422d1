import { describe, expect, it } from "vitest";
import type { PivotIdentity } from "~/domain/pivot-identity";
import { familyIdentityKey, familySearchText, foldForSearch } from "./family-identity";

const identity: PivotIdentity = {
  familyName: "TROIS-DUPRÉ",
  givenNames: ["Élodie", "Marie"],
  gender: "female",
  birthdate: "1980-05-00",
  birthplace: null,
  birthcountry: "99350",
};

describe("family identity", () => {
  it("folds accents, ligatures, case and spaces", () => {
    expect(foldForSearch("  Élodie   LŒUVRE d’Aîné ")).toBe("elodie loeuvre d'aine");
  });

  it("gives the same key to the same pivot identity written differently", () => {
    const key = familyIdentityKey(identity);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(familyIdentityKey({ ...identity, familyName: "trois-dupre", givenNames: ["ELODIE", "MARIE"] })).toBe(key);
    expect(familyIdentityKey({ ...identity, birthdate: "1980-05-01" })).not.toBe(key);
    expect(familyIdentityKey({ ...identity, givenNames: ["Élodie"] })).not.toBe(key);
  });

  it("indexes every name of the family, compound names also by their parts", () => {
    const text = familySearchText(identity, [
      { nom_naissance: "BOBO", nom_usage: "YOGO", prenoms: "Inès Zoé", date_naissance: "2015-07-10", sexe: "F" },
    ]);
    expect(text.split(" ")).toEqual(
      expect.arrayContaining(["trois-dupre", "trois", "dupre", "elodie", "marie", "bobo", "yogo", "ines", "zoe"]),
    );
  });
});
