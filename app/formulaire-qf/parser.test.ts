import { describe, expect, it } from "vitest";
import { duboisShipment, stagingQuotientFamilial } from "../../tests/fixtures/shipment-data";
import { buildFormulaireQfJson } from "~/formulaire-qf/json";
import { parseFormulaireQfJson } from "./parser";

type Doc = Record<string, unknown>;

/** The document as the national form sends it, then edited by each test. */
function document(edit: (doc: Doc) => void = () => {}, shipment = duboisShipment()): Buffer {
  const doc = JSON.parse(buildFormulaireQfJson(shipment).toString("utf8")) as Doc;
  edit(doc);
  return Buffer.from(JSON.stringify(doc));
}

const familyShipment = () => duboisShipment({ quotientFamilial: stagingQuotientFamilial("presumedChild") });

describe("parseFormulaireQfJson", () => {
  it("reads the document with both blocks, from the v3 one", () => {
    const result = parseFormulaireQfJson(buildFormulaireQfJson(duboisShipment()));
    expect(result).toEqual({
      success: true,
      data: {
        externalId: "DOSSIER-42",
        pivotIdentity: {
          familyName: "DUBOIS",
          givenNames: ["Angela", "Claire", "Louise"],
          gender: "female",
          birthdate: "1962-08-24",
          birthplace: "75107",
          birthcountry: "99100",
        },
        quotientFamilial: { provider: "CNAF", value: 2550, annee: 2024, mois: 2 },
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
        source: "v3",
        payloadVersion: "v3+v2",
      },
    });
  });

  it("reads a v3-only document", () => {
    const result = parseFormulaireQfJson(document((doc) => delete doc.quotient_familial, familyShipment()));
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.source).toBe("v3");
    expect(result.data.payloadVersion).toBe("v3");
    expect(result.data.allocataires).toHaveLength(2);
    expect(result.data.enfants.map((e) => e.date_naissance)).toContain("2020-00-00");
  });

  it("reads a legacy v2-only document, converting people to the v3 shape", () => {
    const result = parseFormulaireQfJson(document((doc) => delete doc.quotient_familial_v3, familyShipment()));
    expect(result.success).toBe(true);
    if (!result.success) return;
    const v3 = stagingQuotientFamilial("presumedChild");
    expect(result.data.source).toBe("v2");
    expect(result.data.payloadVersion).toBe("v2");
    expect(result.data.quotientFamilial).toEqual({
      provider: v3.quotient_familial!.fournisseur,
      value: v3.quotient_familial!.valeur,
      annee: v3.quotient_familial!.annee,
      mois: v3.quotient_familial!.mois,
    });
    // v2 carries no address; people come back exactly as v3 described them.
    expect(result.data.adresse).toBeNull();
    expect(result.data.allocataires).toEqual(v3.allocataires!.map((p) => ({ ...p, nom_usage: p.nom_usage ?? null })));
    expect(result.data.enfants).toEqual(v3.enfants!.map((p) => ({ ...p, nom_usage: p.nom_usage ?? null })));
  });

  it("accepts v2 dates written as numbers by other producers", () => {
    const result = parseFormulaireQfJson(
      document((doc) => {
        delete doc.quotient_familial_v3;
        const v2 = doc.quotient_familial as { allocataires: Doc[] };
        Object.assign(v2.allocataires[0], {
          anneeDateDeNaissance: 1962,
          moisDateDeNaissance: 8,
          jourDateDeNaissance: 0,
        });
      }),
    );
    expect(result.success && result.data.allocataires[0].date_naissance).toBe("1962-08-00");
  });

  it("falls back to the v2 block when the v3 block is damaged", () => {
    const result = parseFormulaireQfJson(
      document((doc) => ((doc.quotient_familial_v3 as Doc).quotient_familial = { valeur: "beaucoup" })),
    );
    expect(result.success && result.data.source).toBe("v2");
    expect(result.success && result.data.quotientFamilial?.value).toBe(2550);
  });

  it("keeps a family without QF (scope missing) with a null QF", () => {
    const result = parseFormulaireQfJson(
      document((doc) => {
        delete (doc.quotient_familial_v3 as Doc).quotient_familial;
        delete doc.quotient_familial;
      }),
    );
    expect(result.success).toBe(true);
    expect(result.success && result.data.quotientFamilial).toBeNull();
  });

  it("treats a v2 block without QF value as no QF", () => {
    const result = parseFormulaireQfJson(
      document((doc) => {
        delete doc.quotient_familial_v3;
        Object.assign(doc.quotient_familial as Doc, { regime: null, quotientFamilial: null, annee: null, mois: null });
      }),
    );
    expect(result.success && result.data.quotientFamilial).toBeNull();
  });

  it("turns an empty external_id into null and accepts a UTF-8 BOM", () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), document((doc) => (doc.external_id = "  "))]);
    const result = parseFormulaireQfJson(content);
    expect(result.success && result.data.externalId).toBeNull();
  });

  it("refuses what is not JSON", () => {
    expect(parseFormulaireQfJson(Buffer.from("{ pas du json"))).toEqual({
      success: false,
      error: "Le fichier FormulaireQF.json n’est pas un JSON valide.",
      issues: [],
    });
    expect(parseFormulaireQfJson(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ success: false });
  });

  it("refuses a document without pivot identity", () => {
    const result = parseFormulaireQfJson(document((doc) => delete doc.pivot_identity));
    expect(result).toMatchObject({ success: false, issues: ["(racine).pivot_identity : invalid_type"] });
    expect(parseFormulaireQfJson(Buffer.from("[]"))).toMatchObject({ success: false });
  });

  it("refuses a malformed pivot identity, naming fields but never values", () => {
    const result = parseFormulaireQfJson(
      document((doc) => Object.assign(doc.pivot_identity as Doc, { birthdate: "24/08/1962", gender: "x" })),
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBe("L’identité pivot du fichier FormulaireQF.json est incomplète ou mal formée.");
    expect(result.issues.join(" ")).toContain("pivot_identity.birthdate");
    expect(result.issues.join(" ")).not.toContain("1962");
  });

  it("refuses a document with neither QF block", () => {
    const result = parseFormulaireQfJson(
      document((doc) => {
        delete doc.quotient_familial_v3;
        delete doc.quotient_familial;
      }),
    );
    expect(result).toMatchObject({
      success: false,
      error: "Le fichier FormulaireQF.json ne contient ni le bloc quotient_familial_v3 ni le bloc quotient_familial.",
    });
  });

  it("refuses blocks that do not match the schema", () => {
    const result = parseFormulaireQfJson(
      document((doc) => {
        ((doc.quotient_familial_v3 as Doc).allocataires as Doc[])[0].date_naissance = "hier";
        (doc.quotient_familial as Doc).allocataires = "personne";
      }),
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBe("Le bloc quotient familial du fichier FormulaireQF.json est mal formé.");
    expect(result.issues).toEqual([
      "quotient_familial_v3.allocataires.0.date_naissance : invalid_format",
      "quotient_familial.allocataires : invalid_type",
    ]);
  });
});
