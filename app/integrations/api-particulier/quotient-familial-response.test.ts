import { describe, expect, it } from "vitest";
import { loadStagingFixture, STAGING_FIXTURES } from "../../../tests/fixtures/staging";
import { parseQuotientFamilialResponse } from "~/integrations/api-particulier/quotient-familial-response";
import { type QuotientFamilialData } from "~/domain/quotient-familial";

const parsedData = (name: keyof typeof STAGING_FIXTURES): QuotientFamilialData => {
  const result = parseQuotientFamilialResponse(loadStagingFixture(name).body);
  if (!result.success) throw new Error(result.issues.join(", "));
  return result.data;
};

describe("parseQuotientFamilialResponse", () => {
  it.each(Object.keys(STAGING_FIXTURES) as (keyof typeof STAGING_FIXTURES)[])(
    "reads the staging fixture %s",
    (name) => {
      expect(parseQuotientFamilialResponse(loadStagingFixture(name).body).success).toBe(true);
    },
  );

  it("types the `test` user's data", () => {
    expect(parsedData("dubois")).toEqual({
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
    });
  });

  it("keeps a presumed birthdate of a child as CNAF sends it", () => {
    const enfants = parsedData("presumedChild").enfants ?? [];
    expect(enfants.map((e) => e.date_naissance)).toContain("2020-00-00");
  });

  it("keeps the keys in the order the API sent them, as the national form forwards them to communes", () => {
    const { body } = loadStagingFixture("msaMay2023") as { body: { data: Record<string, unknown> } };
    expect(Object.keys(parsedData("msaMay2023"))).toEqual(Object.keys(body.data));
    expect(parsedData("msaMay2023").quotient_familial?.fournisseur).toBe("MSA");
    const reordered = parseQuotientFamilialResponse({
      data: {
        quotient_familial: body.data.quotient_familial,
        enfants: [{ sexe: "M", prenoms: "JEAN", nom_naissance: "X", date_naissance: "2016-12-13" }],
      },
    });
    expect(reordered.success && Object.keys(reordered.data)).toEqual(["quotient_familial", "enfants"]);
    expect(reordered.success && Object.keys(reordered.data.enfants![0]!)).toEqual([
      "sexe",
      "prenoms",
      "nom_naissance",
      "date_naissance",
    ]);
  });

  it("accepts a body whose keys are left out for lack of scope", () => {
    const { body } = loadStagingFixture("dubois") as { body: { data: Record<string, unknown> } };
    const onlyQf = { data: { quotient_familial: body.data.quotient_familial }, links: {}, meta: {} };
    const result = parseQuotientFamilialResponse(onlyQf);
    expect(result).toEqual({
      success: true,
      data: {
        quotient_familial: {
          fournisseur: "CNAF",
          valeur: 2550,
          annee: 2024,
          mois: 2,
          annee_calcul: 2024,
          mois_calcul: 12,
        },
      },
    });
    expect(parseQuotientFamilialResponse({ data: {} })).toEqual({ success: true, data: {} });
  });

  it("keeps keys the spec does not know yet, where the API put them (the national form forwards them)", () => {
    const result = parseQuotientFamilialResponse({
      data: { nouveau: 1, enfants: [], autre: { a: "b" } },
      links: {},
      meta: {},
    });
    expect(result).toEqual({ success: true, data: { nouveau: 1, enfants: [], autre: { a: "b" } } });
    expect(result.success && Object.keys(result.data)).toEqual(["nouveau", "enfants", "autre"]);
  });

  const valid = () => structuredClone(loadStagingFixture("placardMsa").body) as { data: Record<string, unknown> };

  it.each([
    ["no data", () => ({ links: {}, meta: {} }), "data"],
    ["not an object", () => "<html>502</html>", "(racine)"],
    ["null", () => null, "(racine)"],
    ["QF value as a string", () => withQf({ valeur: "2550" }), "data.quotient_familial.valeur"],
    ["QF value not an integer", () => withQf({ valeur: 25.5 }), "data.quotient_familial.valeur"],
    ["unknown provider", () => withQf({ fournisseur: "CAF" }), "data.quotient_familial.fournisseur"],
    ["month 13", () => withQf({ mois: 13 }), "data.quotient_familial.mois"],
    ["calculation year missing", () => withQf({ annee_calcul: undefined }), "data.quotient_familial.annee_calcul"],
    ["empty allocataires", () => ({ data: { allocataires: [] } }), "data.allocataires"],
    ["sex X", () => withChild({ sexe: "X" }), "data.enfants.0.sexe"],
    ["birthdate in French", () => withChild({ date_naissance: "01/01/1999" }), "data.enfants.0.date_naissance"],
    ["null birth name", () => withChild({ nom_naissance: null }), "data.enfants.0.nom_naissance"],
    ["null postcode", () => withAdresse({ code_postal_ville: null }), "data.adresse.code_postal_ville"],
    ["missing lieu_dit", () => withAdresse({ lieu_dit: undefined }), "data.adresse.lieu_dit"],
  ])("reports a malformed body without throwing: %s", (_label, body, path) => {
    const result = parseQuotientFamilialResponse(body());
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues.map((i) => i.split(":")[0])).toContain(path);
  });

  it("does not echo personal data in its issues", () => {
    const result = parseQuotientFamilialResponse(withChild({ date_naissance: "né le 1er janvier" }));
    expect(JSON.stringify(result)).not.toContain("janvier");
  });

  function withQf(patch: Record<string, unknown>) {
    const body = valid();
    body.data.quotient_familial = { ...(body.data.quotient_familial as object), ...patch };
    return body;
  }
  function withChild(patch: Record<string, unknown>) {
    const body = valid();
    const [first, ...rest] = body.data.enfants as object[];
    body.data.enfants = [{ ...first, ...patch }, ...rest];
    return body;
  }
  function withAdresse(patch: Record<string, unknown>) {
    const body = valid();
    body.data.adresse = { ...(body.data.adresse as object), ...patch };
    return body;
  }
});
