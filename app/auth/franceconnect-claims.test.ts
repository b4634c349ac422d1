import { describe, expect, it } from "vitest";
import {
  InvalidFranceConnectClaimsError,
  pivotIdentityFromClaims,
  type FranceConnectClaims,
} from "./franceconnect-claims";

// FranceConnect integration test users (/work/shared/specs/franceconnect-integration-test-users.csv).
const test: FranceConnectClaims = {
  family_name: "DUBOIS",
  given_name: "Angela Claire Louise",
  given_name_array: ["Angela", "Claire", "Louise"],
  gender: "female",
  birthdate: "1962-08-24",
  birthplace: "75107",
  birthcountry: "99100",
};

const claims = (overrides: Record<string, unknown>) => ({ ...test, ...overrides });

const rejection = (value: unknown): InvalidFranceConnectClaimsError => {
  try {
    pivotIdentityFromClaims(value);
  } catch (error) {
    if (error instanceof InvalidFranceConnectClaimsError) return error;
    throw error;
  }
  throw new Error("expected the claims to be rejected");
};

describe("pivotIdentityFromClaims", () => {
  it("maps the claims of the `test` user", () => {
    expect(pivotIdentityFromClaims({ ...test, sub: "abc", email: "x@example.fr" })).toEqual({
      familyName: "DUBOIS",
      givenNames: ["Angela", "Claire", "Louise"],
      gender: "female",
      birthdate: "1962-08-24",
      birthplace: "75107",
      birthcountry: "99100",
    });
  });

  it("keeps a compound family name and tells a hyphenated first name from two first names", () => {
    expect(pivotIdentityFromClaims(claims({ family_name: "TROIS-DUPRE" })).familyName).toBe("TROIS-DUPRE");
    expect(pivotIdentityFromClaims(claims({ given_name: "Jean-Pierre" })).givenNames).toEqual(["Jean-Pierre"]);
    expect(pivotIdentityFromClaims(claims({ given_name: "Jean Pierre" })).givenNames).toEqual(["Jean", "Pierre"]);
    expect(pivotIdentityFromClaims(claims({ given_name: "  Jean   Pierre " })).givenNames).toEqual(["Jean", "Pierre"]);
  });

  it("keeps accented names as they are", () => {
    const identity = pivotIdentityFromClaims(
      claims({ family_name: "DURANTéàèùòœæŒÆ", given_name: "Joëlle Françoise" }),
    );
    expect(identity.familyName).toBe("DURANTéàèùòœæŒÆ");
    expect(identity.givenNames).toEqual(["Joëlle", "Françoise"]);
  });

  it("accepts presumed birthdates", () => {
    expect(pivotIdentityFromClaims(claims({ birthdate: "1992-11-00" })).birthdate).toBe("1992-11-00");
    expect(pivotIdentityFromClaims(claims({ birthdate: "1992-00-00" })).birthdate).toBe("1992-00-00");
  });

  it("accepts Corsican and overseas commune codes", () => {
    expect(pivotIdentityFromClaims(claims({ birthplace: "2B002" })).birthplace).toBe("2B002");
    expect(pivotIdentityFromClaims(claims({ birthplace: "2A004" })).birthplace).toBe("2A004");
    expect(pivotIdentityFromClaims(claims({ birthplace: "98729" })).birthplace).toBe("98729");
  });

  it("has no birthplace for people born abroad", () => {
    const algeria = pivotIdentityFromClaims(claims({ birthplace: "", birthcountry: "99352" }));
    expect(algeria.birthplace).toBeNull();
    expect(algeria.birthcountry).toBe("99352");
    expect(pivotIdentityFromClaims(claims({ birthplace: undefined, birthcountry: "99217" })).birthplace).toBeNull();
    // Identity providers have sent a code or even the town's name there: it is meaningless abroad.
    expect(pivotIdentityFromClaims(claims({ birthplace: "90900", birthcountry: "99352" })).birthplace).toBeNull();
    expect(pivotIdentityFromClaims(claims({ birthplace: "Alger", birthcountry: "99352" })).birthplace).toBeNull();
  });

  it("accepts someone born in France whose birthplace is unknown, and someone without a first name", () => {
    expect(pivotIdentityFromClaims(claims({ birthplace: "" })).birthplace).toBeNull();
    expect(pivotIdentityFromClaims(claims({ given_name: "" })).givenNames).toEqual([]);
  });

  it.each([
    ["gender unspecified", { gender: "unspecified" }, "gender"],
    ["gender empty", { gender: "" }, "gender"],
    ["no family name", { family_name: "" }, "family_name"],
    ["family name missing", { family_name: undefined }, "family_name"],
    ["day known in an unknown month", { birthdate: "1977-00-03" }, "birthdate"],
    ["impossible date", { birthdate: "1962-02-30" }, "birthdate"],
    ["month 13", { birthdate: "1962-13-01" }, "birthdate"],
    ["French date format", { birthdate: "24/08/1962" }, "birthdate"],
    ["ISO timestamp", { birthdate: "1962-08-24T00:00:00Z" }, "birthdate"],
    ["birthcountry of 4 digits", { birthcountry: "9910" }, "birthcountry"],
    ["birthcountry with a letter", { birthcountry: "9910A" }, "birthcountry"],
    ["commune code in lower case", { birthplace: "2b002" }, "birthplace"],
    ["commune code of 6 chars", { birthplace: "751070" }, "birthplace"],
    ["commune name instead of code, born in France", { birthplace: "Paris" }, "birthplace"],
    ["given_name not a string", { given_name: ["Angela"] }, "given_name"],
  ])("rejects malformed claims: %s", (_label, overrides, claim) => {
    const error = rejection(claims(overrides));
    expect(error.issues.join(" ")).toContain(claim);
    expect(error.message).toMatch(/^Identité pivot FranceConnect invalide/);
  });

  it("rejects what is not a claims object, without echoing personal data", () => {
    expect(rejection(null).issues).toHaveLength(1);
    expect(rejection("DUBOIS").issues).toHaveLength(1);
    expect(rejection(claims({ birthdate: "1962-02-30" })).message).not.toContain("1962");
  });
});
