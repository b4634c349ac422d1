/*
 * Not a .server module: the lookup page renders these in the browser too (a .server module
 * is empty in the client bundle).
 */

/** The fields of the QF lookup form, by their form names. */
export const LOOKUP_FIELDS = [
  "nomNaissance",
  "nomUsage",
  "prenom1",
  "prenom2",
  "prenom3",
  "sexe",
  "jourNaissance",
  "moisNaissance",
  "anneeNaissance",
  "paysNaissance",
  "communeNaissance",
  "communeCode",
  "ancienneCommune",
  "departementNaissance",
] as const;
export type LookupField = (typeof LOOKUP_FIELDS)[number];
export type LookupValues = Record<LookupField, string>;
export type LookupErrors = Partial<Record<LookupField, string>>;

export const EMPTY_LOOKUP_VALUES: LookupValues = {
  ...(Object.fromEntries(LOOKUP_FIELDS.map((field) => [field, ""])) as LookupValues),
  paysNaissance: "France",
};
