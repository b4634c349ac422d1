import { describe, expect, it } from "vitest";
import { loadStagingFixture } from "./__fixtures__/staging";
import {
  birthdateParts,
  formatBirthdateFr,
  InvalidFranceConnectClaimsError,
  pivotIdentityFromClaims,
  toApiParticulierIdentityParams,
  type FranceConnectClaims,
  type PivotIdentity,
} from "./pivot-identity";

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

const SIRET = "21490007900010";

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

describe("toApiParticulierIdentityParams", () => {
  const identity: PivotIdentity = pivotIdentityFromClaims(test);

  it("maps the `test` user as README §2 says", () => {
    const params = toApiParticulierIdentityParams(identity, SIRET);
    expect(params.toString()).toBe(
      "recipient=21490007900010&nomNaissance=DUBOIS&prenoms%5B%5D=Angela&prenoms%5B%5D=Claire&prenoms%5B%5D=Louise" +
        "&anneeDateNaissance=1962&moisDateNaissance=8&jourDateNaissance=24&sexeEtatCivil=F" +
        "&codeCogInseePaysNaissance=99100&codeCogInseeCommuneNaissance=75107",
    );
  });

  it("produces exactly the parameter set staging matches for the `test` user", () => {
    const params = toApiParticulierIdentityParams(identity, SIRET);
    const { recipient, ...sent } = Object.fromEntries(
      [...new Set(params.keys())].map((key) => {
        const values = params.getAll(key);
        const name = key.replace(/\[\]$/, "");
        if (key.endsWith("[]")) return [name, values];
        return [name, /DateNaissance$/.test(key) ? Number(values[0]) : values[0]];
      }),
    );
    expect(recipient).toBe(SIRET);
    expect(sent).toEqual(loadStagingFixture("dubois").params);
  });

  it("sends at most 3 first names", () => {
    const many = pivotIdentityFromClaims(claims({ given_name: "Jean Philippe Arnaud Marie" }));
    expect(toApiParticulierIdentityParams(many, SIRET).getAll("prenoms[]")).toEqual(["Jean", "Philippe", "Arnaud"]);
  });

  it("sends a hyphenated first name as one value", () => {
    const anneLaure = pivotIdentityFromClaims(claims({ given_name: "Anne-Laure", gender: "female" }));
    expect(toApiParticulierIdentityParams(anneLaure, SIRET).getAll("prenoms[]")).toEqual(["Anne-Laure"]);
  });

  it("maps male to M", () => {
    const pierre = pivotIdentityFromClaims(claims({ given_name: "Pierre", gender: "male" }));
    expect(toApiParticulierIdentityParams(pierre, SIRET).get("sexeEtatCivil")).toBe("M");
  });

  it("leaves the unknown parts of a presumed birthdate out", () => {
    const noDay = toApiParticulierIdentityParams({ ...identity, birthdate: "1992-11-00" }, SIRET);
    expect(noDay.get("anneeDateNaissance")).toBe("1992");
    expect(noDay.get("moisDateNaissance")).toBe("11");
    expect(noDay.has("jourDateNaissance")).toBe(false);

    const yearOnly = toApiParticulierIdentityParams({ ...identity, birthdate: "1992-00-00" }, SIRET);
    expect(yearOnly.get("anneeDateNaissance")).toBe("1992");
    expect(yearOnly.has("moisDateNaissance")).toBe(false);
    expect(yearOnly.has("jourDateNaissance")).toBe(false);
  });

  it("omits the commune for people born abroad", () => {
    const abroad = pivotIdentityFromClaims(
      claims({ family_name: "FLEURET", given_name: "Jean", birthplace: "", birthcountry: "99217" }),
    );
    const params = toApiParticulierIdentityParams(abroad, SIRET);
    expect(params.get("codeCogInseePaysNaissance")).toBe("99217");
    expect(params.has("codeCogInseeCommuneNaissance")).toBe(false);
  });

  it("asks for a given QF period", () => {
    const params = toApiParticulierIdentityParams(identity, SIRET, { annee: 2024, mois: 9 });
    expect(params.get("annee")).toBe("2024");
    expect(params.get("mois")).toBe("9");
  });

  it("encodes names safely", () => {
    const params = toApiParticulierIdentityParams({ ...identity, familyName: "D'ARC & FILS" }, SIRET);
    expect(new URLSearchParams(params.toString()).get("nomNaissance")).toBe("D'ARC & FILS");
  });
});

describe("birthdate helpers", () => {
  it("formats complete and presumed dates in French", () => {
    expect(formatBirthdateFr("1962-08-24")).toBe("24/08/1962");
    expect(formatBirthdateFr("1962-08-00")).toBe("08/1962");
    expect(formatBirthdateFr("1962-00-00")).toBe("1962");
    expect(formatBirthdateFr("n'importe quoi")).toBe("n'importe quoi");
  });

  it("splits dates into parts", () => {
    expect(birthdateParts("2020-00-00")).toEqual({ year: 2020, month: null, day: null });
    expect(birthdateParts("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(birthdateParts("2023-02-29")).toBeNull();
    expect(birthdateParts("0000-01-01")).toBeNull();
  });
});
