import Ajv, { type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { ANGELA, ANGELA_QF } from "../../tests/helpers/citizen-fixtures";
import { DUBOIS_CLAIMS, duboisShipment, stagingQuotientFamilial } from "../../tests/fixtures/shipment-data";
import { STAGING_FIXTURES } from "../../tests/fixtures/staging";
import { buildFormulaireQfJson } from "~/formulaire-qf/json";
import type { ShipmentData } from "~/formulaire-qf/types";
import { pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import { parseFormulaireQfJson } from "~/formulaire-qf/parser";
import { loader as schemaLoader } from "~/routes/integration.schemas.formulaire-qf[.]schema[.]json";
import { loader as exampleLoader } from "~/routes/integration.exemples.$file";
import { buildFormulaireQfXml } from "~/formulaire-qf/xml";
import { EXAMPLE_SHIPMENT } from "./example-shipment";
import { FORMULAIRE_QF_JSON_SCHEMA } from "./formulaire-qf-schema";

type Doc = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(FORMULAIRE_QF_JSON_SCHEMA);
const errorsOf = (doc: unknown): ErrorObject[] => (validate(doc) ? [] : [...(validate.errors ?? [])]);

/** Transmissions as the citizen form builds them, from every citizen fixture we have. */
const shipments: Array<[string, ShipmentData]> = [
  ...(Object.keys(STAGING_FIXTURES) as Array<keyof typeof STAGING_FIXTURES>).map(
    (name) =>
      [`staging ${name}`, duboisShipment({ quotientFamilial: stagingQuotientFamilial(name) })] as [
        string,
        ShipmentData,
      ],
  ),
  ["Angela (tests/helpers)", duboisShipment({ pivotIdentity: ANGELA, quotientFamilial: ANGELA_QF })],
  [
    "born abroad, no deep link",
    duboisShipment({
      externalId: null,
      pivotIdentity: pivotIdentityFromClaims({ ...DUBOIS_CLAIMS, birthplace: "", birthcountry: "99350" }),
      quotientFamilial: stagingQuotientFamilial("abroad"),
    }),
  ],
  [
    "presumed birthdate, no first name",
    duboisShipment({
      pivotIdentity: pivotIdentityFromClaims({ ...DUBOIS_CLAIMS, given_name: "", birthdate: "1962-00-00" }),
    }),
  ],
  [
    "token without the QF and address scopes",
    duboisShipment({ quotientFamilial: { allocataires: stagingQuotientFamilial("dubois").allocataires } }),
  ],
  [
    "characters escaped in JSON and XML",
    duboisShipment({ externalId: "A&B/<42>", pivotIdentity: { ...ANGELA, familyName: "D'ÉTÉ & <FILS>" } }),
  ],
  ["example of the integration page", EXAMPLE_SHIPMENT],
];

const built = (shipment: ShipmentData): Doc => JSON.parse(buildFormulaireQfJson(shipment).toString("utf8")) as Doc;
/** What older senders send: one block only. */
const variants = (doc: Doc): Array<[string, Doc]> => {
  const { quotient_familial: _v2, ...v3Only } = doc;
  const { quotient_familial_v3: _v3, ...v2Only } = doc;
  return [
    ["v3+v2", doc],
    ["v3", v3Only],
    ["v2", v2Only],
  ];
};

describe("JSON Schema of FormulaireQF.json", () => {
  it("is a valid draft-07 schema that ajv compiles in strict mode", () => {
    expect(ajv.validateSchema(FORMULAIRE_QF_JSON_SCHEMA)).toBe(true);
  });

  describe.each(shipments)("the payload built for %s", (_name, shipment) => {
    it.each(variants(built(shipment)))("validates with the %s block(s), and the portal reads it", (version, doc) => {
      expect(errorsOf(doc)).toEqual([]);
      const parsed = parseFormulaireQfJson(JSON.stringify(doc));
      expect(parsed.success).toBe(true);
      if (parsed.success) expect(parsed.data.payloadVersion).toBe(version);
    });
  });

  const broken: Array<[string, (doc: Doc) => void, string]> = [
    ["no pivot identity", (doc) => delete doc.pivot_identity, "required"],
    ["neither QF block", (doc) => (delete doc.quotient_familial_v3, delete doc.quotient_familial), "anyOf"],
    ["an unknown key at the root", (doc) => (doc.extra = 1), "additionalProperties"],
    ["external_id as a number", (doc) => (doc.external_id = 42), "type"],
    ["external_id over 255 characters", (doc) => (doc.external_id = "é".repeat(256)), "maxLength"],
    ["gender in French", (doc) => (pivot(doc).gender = "femme"), "enum"],
    ["a month 13 birthdate", (doc) => (pivot(doc).birthdate = "1962-13-01"), "pattern"],
    ["a day without a month", (doc) => (pivot(doc).birthdate = "1962-00-12"), "pattern"],
    ["a country name", (doc) => (pivot(doc).birthcountry = "France"), "pattern"],
    ["an empty family name", (doc) => (pivot(doc).family_name = " "), "pattern"],
    ["the QF as a string", (doc) => (qfV3(doc).valeur = "2550"), "type"],
    ["the QF as a decimal", (doc) => (qfV3(doc).valeur = 2550.5), "type"],
    ["an unknown provider", (doc) => (qfV3(doc).fournisseur = "CAF"), "enum"],
    ["a v3 block without version", (doc) => delete (doc.quotient_familial_v3 as Doc).version, "required"],
    ["a v3 block labelled v2", (doc) => ((doc.quotient_familial_v3 as Doc).version = "v2"), "const"],
    ["no allocataire", (doc) => ((doc.quotient_familial_v3 as Doc).allocataires = []), "minItems"],
    ["a person's sex in words", (doc) => (firstAllocataire(doc).sexe = "female"), "enum"],
    ["a v2 month 13", (doc) => ((doc.quotient_familial as Doc).mois = 13), "maximum"],
    ["a v2 birth year as a number", (doc) => (firstV2(doc).anneeDateDeNaissance = 1962), "type"],
    ["a v2 block without regime", (doc) => delete (doc.quotient_familial as Doc).regime, "required"],
  ];

  it.each(broken)("rejects a payload with %s", (_name, edit, keyword) => {
    const doc = built(duboisShipment());
    edit(doc);
    expect(errorsOf(doc).map((error) => error.keyword)).toContain(keyword);
  });

  it("has examples for the three shapes, each valid and read by the portal's parser", () => {
    const examples = FORMULAIRE_QF_JSON_SCHEMA.examples;
    expect(examples.map((doc) => ["quotient_familial_v3", "quotient_familial"].filter((k) => k in doc))).toEqual([
      ["quotient_familial_v3", "quotient_familial"],
      ["quotient_familial_v3"],
      ["quotient_familial"],
    ]);
    for (const example of examples) {
      expect(errorsOf(example)).toEqual([]);
      const parsed = parseFormulaireQfJson(JSON.stringify(example));
      expect(parsed).toMatchObject({ success: true, data: { quotientFamilial: { provider: "CNAF", value: 2550 } } });
    }
  });

  it("is served with its address as $id, open to other origins", async () => {
    const response = schemaLoader();
    expect(response.headers.get("Content-Type")).toBe("application/schema+json; charset=utf-8");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const served = (await response.json()) as Doc;
    expect(served.$id).toBe("http://localhost:3000/integration/schemas/formulaire-qf.schema.json");
    const { $id: _id, ...rest } = served;
    expect(rest).toEqual(JSON.parse(JSON.stringify(FORMULAIRE_QF_JSON_SCHEMA)));
    expect(new Ajv({ strict: true, strictRequired: false }).validateSchema(served)).toBe(true);
  });

  it("serves the example attachments byte for byte as a commune receives them", async () => {
    const call = (file: string) =>
      exampleLoader({ params: { file }, request: new Request("http://x"), context: {} as never });
    const json = call("FormulaireQF.json");
    expect(Buffer.from(await json.arrayBuffer())).toEqual(buildFormulaireQfJson(EXAMPLE_SHIPMENT));
    expect(errorsOf(JSON.parse(buildFormulaireQfJson(EXAMPLE_SHIPMENT).toString("utf8")))).toEqual([]);
    const xml = call("FormulaireQF.xml");
    expect(xml.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    expect(Buffer.from(await xml.arrayBuffer())).toEqual(buildFormulaireQfXml(EXAMPLE_SHIPMENT));
    let thrown: unknown;
    try {
      call("../package.json");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });
});

const pivot = (doc: Doc) => doc.pivot_identity as Doc;
const qfV3 = (doc: Doc) => (doc.quotient_familial_v3 as Doc).quotient_familial as Doc;
const firstAllocataire = (doc: Doc) => ((doc.quotient_familial_v3 as Doc).allocataires as Doc[])[0]!;
const firstV2 = (doc: Doc) => ((doc.quotient_familial as Doc).allocataires as Doc[])[0]!;
