import { z } from "zod";

/**
 * The `data` of API Particulier v3's quotient familial routes (identite and france_connect share
 * one schema: /work/shared/specs/api_particulier.yaml), the family data the whole product speaks of.
 */

/** YYYY-MM-DD; CNAF writes unknown parts as 00 (a child born "2020-00-00" is in the staging data). */
const DATE_NAISSANCE_FORMAT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

const personSchema = z.looseObject({
  nom_naissance: z.string(),
  // The spec makes it nullable; the API never repeats the birth name here.
  nom_usage: z.string().nullable().optional(),
  /** Space-separated, as CNAF/MSA hold them (often upper case). */
  prenoms: z.string(),
  date_naissance: z.string().regex(DATE_NAISSANCE_FORMAT),
  sexe: z.enum(["F", "M"]),
});

const adresseSchema = z.looseObject({
  destinataire: z.string(),
  complement_information: z.string().nullable(),
  complement_information_geographique: z.string().nullable(),
  numero_libelle_voie: z.string().nullable(),
  lieu_dit: z.string().nullable(),
  code_postal_ville: z.string(),
  pays: z.string(),
});

const quotientSchema = z.looseObject({
  fournisseur: z.enum(["CNAF", "MSA"]),
  valeur: z.number().int(),
  annee: z.number().int(),
  mois: z.number().int().min(1).max(12),
  annee_calcul: z.number().int(),
  mois_calcul: z.number().int().min(1).max(12),
});

/**
 * Every key is optional: production leaves out the keys whose scope the token lacks
 * (cnaf_allocataires, cnaf_enfants, cnaf_adresse, cnaf_quotient_familial). Unknown keys are kept,
 * and so is the order of the keys as API Particulier sent them: the national form forwards its
 * data exactly so to communes (unknown keys included), and their software parses that
 * (formulaire-qf/golden.test.ts). An addition to the API neither stops the service nor is lost.
 */
const looseDataSchema = z.looseObject({
  allocataires: z.array(personSchema).min(1).optional(),
  enfants: z.array(personSchema).optional(),
  adresse: adresseSchema.optional(),
  quotient_familial: quotientSchema.optional(),
});

export const quotientFamilialDataSchema = z.unknown().transform((input, ctx): z.infer<typeof looseDataSchema> => {
  const parsed = looseDataSchema.safeParse(input);
  if (!parsed.success) {
    ctx.issues.push(...parsed.error.issues.map((issue) => ({ ...issue, input: undefined })));
    return z.NEVER;
  }
  return inInputOrder(input, parsed.data) as z.infer<typeof looseDataSchema>;
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The validated value with its keys in the order of the input (zod writes its schema's order). */
function inInputOrder(input: unknown, output: unknown): unknown {
  if (Array.isArray(input) && Array.isArray(output)) return output.map((item, i) => inInputOrder(input[i], item));
  if (!isRecord(input) || !isRecord(output)) return output;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(input)) if (key in output) ordered[key] = inInputOrder(input[key], output[key]);
  for (const key of Object.keys(output)) if (!(key in ordered)) ordered[key] = output[key];
  return ordered;
}

export type QuotientFamilialPerson = z.infer<typeof personSchema>;
export type QuotientFamilialAdresse = z.infer<typeof adresseSchema>;
export type QuotientFamilialValue = z.infer<typeof quotientSchema>;
export type QuotientFamilialData = z.infer<typeof quotientFamilialDataSchema>;
