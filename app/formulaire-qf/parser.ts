import { z } from "zod";
import { InvalidFranceConnectClaimsError, pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import { type PivotIdentity } from "~/domain/pivot-identity";
import { quotientFamilialDataSchema, type QuotientFamilialPerson } from "~/domain/quotient-familial";
import type { FamilyAddress, FamilyMember, QfProvider } from "../../db/schema/family-files.ts";

/**
 * Reads FormulaireQF.json, the document the national form (and Portail QF) sends to communes
 * through HubEE: `external_id`, `pivot_identity`, the API Particulier v3 block
 * `quotient_familial_v3` and the legacy v2 block `quotient_familial`. Senders may carry either
 * block or both; v3 is preferred, v2 is the fallback. Pure: no I/O, never throws.
 *
 * Error messages are in French for agents and name fields only, never values (personal data).
 */

/** The QF itself, whichever block it came from. */
export interface ParsedQuotient {
  provider: QfProvider;
  value: number;
  annee: number;
  mois: number;
}

export interface ParsedFormulaireQf {
  /** The commune's own file number passed through the citizen deep link, if any. */
  externalId: string | null;
  pivotIdentity: PivotIdentity;
  /** null when the sender had no QF to give (scope missing, v2 with nulls). */
  quotientFamilial: ParsedQuotient | null;
  allocataires: FamilyMember[];
  enfants: FamilyMember[];
  adresse: FamilyAddress | null;
  /** The block the data was read from. */
  source: "v3" | "v2";
  /** Every readable block present, e.g. "v3+v2". */
  payloadVersion: string;
}

export type FormulaireQfParseResult =
  { success: true; data: ParsedFormulaireQf } | { success: false; error: string; issues: string[] };

/** The v3 block: API Particulier's data (unknown keys allowed), whose `version`, when present, says v3. */
const v3Schema = quotientFamilialDataSchema.refine((data) => data.version === undefined || data.version === "v3", {
  message: "version inattendue",
  path: ["version"],
});

/** API Particulier v2 split dates into strings ("08", "00" when unknown); some producers wrote numbers. */
const datePart = (length: number) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .transform((value) => String(value).padStart(length, "0"))
    .pipe(z.string().regex(new RegExp(`^[0-9]{${length}}$`)));

const personV2Schema = z.object({
  nomNaissance: z.string(),
  nomUsuel: z.string().nullish(),
  prenoms: z.string(),
  anneeDateDeNaissance: datePart(4),
  moisDateDeNaissance: datePart(2),
  jourDateDeNaissance: datePart(2),
  sexe: z.enum(["F", "M"]),
});

const v2Schema = z.object({
  regime: z.enum(["CNAF", "MSA"]).nullish(),
  quotientFamilial: z.number().int().nullish(),
  annee: z.number().int().nullish(),
  mois: z.number().int().min(1).max(12).nullish(),
  allocataires: z.array(personV2Schema).default([]),
  enfants: z.array(personV2Schema).default([]),
  version: z.literal("v2").optional(),
});

const documentSchema = z.object({
  external_id: z
    .string()
    .nullish()
    .transform((value) => (value === undefined || value === null || value.trim() === "" ? null : value)),
  pivot_identity: z.record(z.string(), z.unknown()),
  quotient_familial_v3: z.unknown().optional(),
  quotient_familial: z.unknown().optional(),
});

const issuesOf = (prefix: string, error: z.ZodError) =>
  error.issues.map((issue) => `${[prefix, ...issue.path].join(".")} : ${issue.code}`);

const fail = (error: string, issues: string[] = []): FormulaireQfParseResult => ({ success: false, error, issues });

export function parseFormulaireQfJson(content: Buffer | string): FormulaireQfParseResult {
  let json: unknown;
  try {
    const text = typeof content === "string" ? content : new TextDecoder("utf-8", { fatal: true }).decode(content);
    // A UTF-8 BOM is no reason to refuse a transmission.
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return fail("Le fichier FormulaireQF.json n’est pas un JSON valide.");
  }

  const document = documentSchema.safeParse(json);
  if (!document.success) {
    return fail(
      "Le fichier FormulaireQF.json ne contient pas les rubriques attendues (identité pivot).",
      issuesOf("(racine)", document.error),
    );
  }

  let pivotIdentity: PivotIdentity;
  try {
    pivotIdentity = pivotIdentityFromClaims(document.data.pivot_identity);
  } catch (error) {
    const issues = error instanceof InvalidFranceConnectClaimsError ? error.issues : [];
    return fail(
      "L’identité pivot du fichier FormulaireQF.json est incomplète ou mal formée.",
      issues.map((i) => `pivot_identity.${i}`),
    );
  }

  const { quotient_familial_v3: rawV3, quotient_familial: rawV2 } = document.data;
  if (rawV3 == null && rawV2 == null) {
    return fail(
      "Le fichier FormulaireQF.json ne contient ni le bloc quotient_familial_v3 ni le bloc quotient_familial.",
    );
  }
  const v3 = rawV3 == null ? null : v3Schema.safeParse(rawV3);
  const v2 = rawV2 == null ? null : v2Schema.safeParse(rawV2);
  const payloadVersion = [v3?.success ? "v3" : null, v2?.success ? "v2" : null].filter(Boolean).join("+");
  const base = { externalId: document.data.external_id, pivotIdentity, payloadVersion };

  if (v3?.success) {
    const data = v3.data;
    const qf = data.quotient_familial;
    return {
      success: true,
      data: {
        ...base,
        quotientFamilial: qf ? { provider: qf.fournisseur, value: qf.valeur, annee: qf.annee, mois: qf.mois } : null,
        allocataires: (data.allocataires ?? []).map(memberFromV3),
        enfants: (data.enfants ?? []).map(memberFromV3),
        adresse: data.adresse ?? null,
        source: "v3",
      },
    };
  }
  // A damaged v3 block next to a readable v2 one: the v2 block carries the QF the commune needs.
  if (v2?.success) {
    const data = v2.data;
    const complete = data.regime && data.quotientFamilial != null && data.annee != null && data.mois != null;
    return {
      success: true,
      data: {
        ...base,
        quotientFamilial: complete
          ? { provider: data.regime!, value: data.quotientFamilial!, annee: data.annee!, mois: data.mois! }
          : null,
        allocataires: data.allocataires.map(memberFromV2),
        enfants: data.enfants.map(memberFromV2),
        adresse: null,
        source: "v2",
      },
    };
  }
  return fail("Le bloc quotient familial du fichier FormulaireQF.json est mal formé.", [
    ...(v3 && !v3.success ? issuesOf("quotient_familial_v3", v3.error) : []),
    ...(v2 && !v2.success ? issuesOf("quotient_familial", v2.error) : []),
  ]);
}

function memberFromV3(person: QuotientFamilialPerson): FamilyMember {
  return {
    nom_naissance: person.nom_naissance,
    nom_usage: person.nom_usage ?? null,
    prenoms: person.prenoms,
    date_naissance: person.date_naissance,
    sexe: person.sexe,
  };
}

function memberFromV2(person: z.infer<typeof personV2Schema>): FamilyMember {
  return {
    nom_naissance: person.nomNaissance,
    nom_usage: person.nomUsuel ?? null,
    prenoms: person.prenoms,
    date_naissance: `${person.anneeDateDeNaissance}-${person.moisDateDeNaissance}-${person.jourDateDeNaissance}`,
    sexe: person.sexe,
  };
}
