import { describe, expect, it } from "vitest";
import { loadStagingFixture } from "../../../tests/fixtures/staging";
import { pivotIdentityFromClaims, type FranceConnectClaims } from "~/auth/franceconnect-claims";
import type { PivotIdentity } from "~/domain/pivot-identity";
import { toApiParticulierIdentityParams } from "./identity-params";

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

const SIRET = "21490007900010";

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
