import { z } from "zod";

/**
 * The `data` of API Particulier v3's quotient familial routes (identite and france_connect share
 * one schema: /work/shared/specs/api_particulier.yaml), the family data the whole product speaks of.
 */

/** YYYY-MM-DD; CNAF writes unknown parts as 00 (a child born "2020-00-00" is in the staging data). */
const DATE_NAISSANCE_FORMAT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

const personSchema = z.object({
  nom_naissance: z.string(),
  // The spec makes it nullable; the API never repeats the birth name here.
  nom_usage: z.string().nullable().optional(),
  /** Space-separated, as CNAF/MSA hold them (often upper case). */
  prenoms: z.string(),
  date_naissance: z.string().regex(DATE_NAISSANCE_FORMAT),
  sexe: z.enum(["F", "M"]),
});

const adresseSchema = z.object({
  destinataire: z.string(),
  complement_information: z.string().nullable(),
  complement_information_geographique: z.string().nullable(),
  numero_libelle_voie: z.string().nullable(),
  lieu_dit: z.string().nullable(),
  code_postal_ville: z.string(),
  pays: z.string(),
});

const quotientSchema = z.object({
  fournisseur: z.enum(["CNAF", "MSA"]),
  valeur: z.number().int(),
  annee: z.number().int(),
  mois: z.number().int().min(1).max(12),
  annee_calcul: z.number().int(),
  mois_calcul: z.number().int().min(1).max(12),
});

/**
 * Every key is optional: production leaves out the keys whose scope the token lacks
 * (cnaf_allocataires, cnaf_enfants, cnaf_adresse, cnaf_quotient_familial). Keys are declared in
 * the spec's order, which is the order the attachments carry them in. Unknown keys are dropped
 * rather than rejected, so an addition to the API does not stop the service (and what we forward
 * to communes stays what we know we collect).
 */
export const quotientFamilialDataSchema = z.object({
  allocataires: z.array(personSchema).min(1).optional(),
  enfants: z.array(personSchema).optional(),
  adresse: adresseSchema.optional(),
  quotient_familial: quotientSchema.optional(),
});

export type QuotientFamilialPerson = z.infer<typeof personSchema>;
export type QuotientFamilialAdresse = z.infer<typeof adresseSchema>;
export type QuotientFamilialValue = z.infer<typeof quotientSchema>;
export type QuotientFamilialData = z.infer<typeof quotientFamilialDataSchema>;
