import { describe, expect, it } from "vitest";
import { DUBOIS_CLAIMS, duboisShipment, stagingQuotientFamilial } from "../../tests/fixtures/shipment-data";
import { pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import type { FormulaireQfDocument } from "./document";
import { buildFormulaireQfJson } from "./json";

const parsedJson = (content: Buffer) => JSON.parse(content.toString("utf8")) as FormulaireQfDocument;

describe("buildFormulaireQfJson", () => {
  it("builds the document communes parse, for the `test` user and her staging QF", () => {
    const content = buildFormulaireQfJson(duboisShipment());
    expect(parsedJson(content)).toStrictEqual({
      external_id: "DOSSIER-42",
      pivot_identity: {
        family_name: "DUBOIS",
        given_name: "Angela Claire Louise",
        gender: "female",
        birthdate: "1962-08-24",
        birthplace: "75107",
        birthcountry: "99100",
      },
      quotient_familial_v3: {
        allocataires: [
          {
            nom_naissance: "DUBOIS",
            nom_usage: null,
            prenoms: "ANGELA CLAIRE LOUISE",
            date_naissance: "1962-08-24",
            sexe: "F",
          },
        ],
        enfants: [],
        adresse: {
          destinataire: "Madame DUBOIS ANGELA",
          complement_information: null,
          complement_information_geographique: null,
          numero_libelle_voie: "1 RUE MONTORGUEIL",
          lieu_dit: null,
          code_postal_ville: "75002 PARIS",
          pays: "FRANCE",
        },
        quotient_familial: {
          fournisseur: "CNAF",
          valeur: 2550,
          annee: 2024,
          mois: 2,
          annee_calcul: 2024,
          mois_calcul: 12,
        },
        version: "v3",
      },
      quotient_familial: {
        regime: "CNAF",
        allocataires: [
          {
            nomNaissance: "DUBOIS",
            nomUsuel: null,
            prenoms: "ANGELA CLAIRE LOUISE",
            anneeDateDeNaissance: "1962",
            moisDateDeNaissance: "08",
            jourDateDeNaissance: "24",
            sexe: "F",
          },
        ],
        enfants: [],
        quotientFamilial: 2550,
        annee: 2024,
        mois: 2,
        version: "v2",
      },
    });
  });

  it("keeps the reference's key order and writes compact UTF-8 JSON", () => {
    const text = buildFormulaireQfJson(duboisShipment()).toString("utf8");
    const json = parsedJson(Buffer.from(text));
    expect(Object.keys(json)).toEqual(["external_id", "pivot_identity", "quotient_familial_v3", "quotient_familial"]);
    // The national form slices FranceConnect's claims in this order (golden.test.ts checks every byte).
    expect(Object.keys(json.pivot_identity)).toEqual([
      "birthcountry",
      "birthdate",
      "birthplace",
      "family_name",
      "given_name",
      "gender",
    ]);
    expect(Object.keys(json.quotient_familial)).toEqual([
      "regime",
      "allocataires",
      "enfants",
      "quotientFamilial",
      "annee",
      "mois",
      "version",
    ]);
    expect(Object.keys(json.quotient_familial_v3).at(-1)).toBe("version");
    expect(text).not.toContain("\n");
    expect(text.startsWith('{"external_id":"DOSSIER-42","pivot_identity":{"birthcountry":"99100"')).toBe(true);
  });

  it("derives the v2 block of an MSA family, children included", () => {
    const json = parsedJson(
      buildFormulaireQfJson(duboisShipment({ quotientFamilial: stagingQuotientFamilial("placardMsa") })),
    );
    expect(json.quotient_familial.regime).toBe("MSA");
    expect(json.quotient_familial.quotientFamilial).toBe(2550);
    expect(json.quotient_familial.allocataires[0]).toStrictEqual({
      nomNaissance: "PLACARD",
      nomUsuel: "DUBOIS",
      prenoms: "ELSA",
      anneeDateDeNaissance: "1987",
      moisDateDeNaissance: "04",
      jourDateDeNaissance: "13",
      sexe: "F",
    });
    expect(json.quotient_familial.enfants.map((e) => e.prenoms)).toEqual(["Alex", "Léo", "Alice"]);
  });

  it("splits presumed dates of children into their 00 parts, as the reference does", () => {
    const json = parsedJson(
      buildFormulaireQfJson(duboisShipment({ quotientFamilial: stagingQuotientFamilial("presumedChild") })),
    );
    const ibrahim = json.quotient_familial.enfants.find((e) => e.prenoms === "Ibrahim");
    expect(ibrahim).toMatchObject({
      anneeDateDeNaissance: "2020",
      moisDateDeNaissance: "00",
      jourDateDeNaissance: "00",
    });
    const v3Child = json.quotient_familial_v3.enfants?.find((e) => e.prenoms === "Ibrahim");
    expect(v3Child?.date_naissance).toBe("2020-00-00");
  });

  it("sends a presumed birthdate of the citizen as FranceConnect gave it", () => {
    const identity = pivotIdentityFromClaims({ ...DUBOIS_CLAIMS, birthdate: "1992-11-00" });
    const json = parsedJson(buildFormulaireQfJson(duboisShipment({ pivotIdentity: identity })));
    expect(json.pivot_identity.birthdate).toBe("1992-11-00");
  });

  it("sends an empty birthplace for someone born abroad, as FranceConnect does", () => {
    const identity = pivotIdentityFromClaims({
      family_name: "FAKIR",
      given_name: "EYMEN MOHAMED",
      gender: "male",
      birthdate: "1992-11-14",
      birthplace: "",
      birthcountry: "99350",
    });
    const json = parsedJson(
      buildFormulaireQfJson(
        duboisShipment({ pivotIdentity: identity, quotientFamilial: stagingQuotientFamilial("abroad") }),
      ),
    );
    expect(json.pivot_identity).toStrictEqual({
      family_name: "FAKIR",
      given_name: "EYMEN MOHAMED",
      gender: "male",
      birthdate: "1992-11-14",
      birthplace: "",
      birthcountry: "99350",
    });
    expect(json.quotient_familial.enfants).toEqual([]);
  });

  it("sends null when the commune passed no external id", () => {
    expect(parsedJson(buildFormulaireQfJson(duboisShipment({ externalId: null }))).external_id).toBeNull();
  });

  it("leaves out of v3 what API Particulier left out, and writes nulls in v2", () => {
    const json = parsedJson(buildFormulaireQfJson(duboisShipment({ quotientFamilial: {} })));
    expect(json.quotient_familial_v3).toStrictEqual({ version: "v3" });
    expect(json.quotient_familial).toStrictEqual({
      regime: null,
      allocataires: [],
      enfants: [],
      quotientFamilial: null,
      annee: null,
      mois: null,
      version: "v2",
    });
  });

  it("escapes <, > and & like Rails does, and round-trips any string", () => {
    const tricky = '<script>"O\'Brien" & co\u2028\u0001é</script>';
    const content = buildFormulaireQfJson(duboisShipment({ externalId: tricky }));
    const text = content.toString("utf8");
    expect(text).toContain(
      '"external_id":"\\u003cscript\\u003e\\"O\'Brien\\" \\u0026 co\\u2028\\u0001é\\u003c/script\\u003e"',
    );
    expect(parsedJson(content).external_id).toBe(tricky);
  });
});
