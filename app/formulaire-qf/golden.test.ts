import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import { FORMULAIRE_QF_JSON_SCHEMA } from "~/editor-kit/formulaire-qf-schema";
import { parseQuotientFamilialResponse } from "~/integrations/api-particulier/quotient-familial-response";
import { buildFormulaireQfJson } from "./json";
import type { ShipmentData } from "./types";
import { buildFormulaireQfXml } from "./xml";

/**
 * The national form's own serializer, run on its inputs (tests/fixtures/formulaire-qf-reference,
 * copied from ../shared/specs/formulaire-qf-reference): our attachments must be the same bytes, since
 * communes' software has parsed those for years.
 */
const reference = (name: string) =>
  readFileSync(new URL(`../../tests/fixtures/formulaire-qf-reference/${name}`, import.meta.url));
const inputs = JSON.parse(reference("inputs.json").toString("utf8")) as {
  franceconnect_claims: Record<string, unknown>;
  api_particulier_data_default: Record<string, unknown>;
  api_particulier_data_msa: Record<string, unknown>;
};

const claims = inputs.franceconnect_claims;
const byDefault = inputs.api_particulier_data_default;

/** The cases of inputs.json, built as its descriptions say. */
const CASES: Record<
  string,
  { claims: Record<string, unknown>; data: Record<string, unknown>; externalId: string | null }
> = {
  ref_prod_nil: { claims, data: byDefault, externalId: null },
  ref_prod_ext: { claims, data: byDefault, externalId: "DOSSIER-42&<x>" },
  ref_prod_msa: { claims, data: inputs.api_particulier_data_msa, externalId: "external_id" },
  ref_abroad_empty_bp: {
    claims: { ...claims, birthcountry: "99135", birthplace: "" },
    data: byDefault,
    externalId: null,
  },
  ref_extra_key: {
    claims,
    data: {
      ...byDefault,
      adresse: {
        destinataire: "Madame DUBOIS ANGELA",
        complement_information: null,
        complement_information_geographique: null,
        numero_libelle_voie: "1 RUE MONTORGUEIL",
        lieu_dit: null,
        code_postal_ville: "75002 PARIS",
        pays: "FRANCE",
      },
      nouveau_champ: 1,
    },
    externalId: null,
  },
  ref_noenf: {
    claims: { ...claims, given_name: "Élodie", family_name: "O'NEIL-ÆSØ" },
    data: { ...byDefault, enfants: [] },
    externalId: "a b",
  },
};

function shipment(name: string): ShipmentData {
  const input = CASES[name]!;
  // Through the same parser as API Particulier's real answers: the JSON text, as it arrives.
  const parsed = parseQuotientFamilialResponse(JSON.parse(JSON.stringify({ data: input.data, links: {}, meta: {} })));
  if (!parsed.success) throw new Error(parsed.issues.join(", "));
  return {
    reference: "0A1B2C3D4E5F6",
    externalId: input.externalId,
    collectivity: { name: "Angers", siret: "21490007900012", codeCog: "49007" },
    pivotIdentity: pivotIdentityFromClaims(input.claims),
    quotientFamilial: parsed.data,
    createdAt: "2024-03-01T10:00:00.000Z",
  };
}

describe("FormulaireQF attachments, byte for byte with the national form", () => {
  it.each(Object.keys(CASES))("%s.json", (name) => {
    expect(buildFormulaireQfJson(shipment(name)).toString("utf8")).toBe(reference(`${name}.json`).toString("utf8"));
  });

  it.each(Object.keys(CASES))("%s.xml", (name) => {
    expect(buildFormulaireQfXml(shipment(name)).toString("utf8")).toBe(reference(`${name}.xml`).toString("utf8"));
  });

  it.each(Object.keys(CASES))("the published JSON Schema accepts the national form's %s.json", (name) => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    const validate = ajv.compile(FORMULAIRE_QF_JSON_SCHEMA);
    const valid = validate(JSON.parse(reference(`${name}.json`).toString("utf8")));
    expect(validate.errors ?? [], name).toEqual([]);
    expect(valid).toBe(true);
  });
});
