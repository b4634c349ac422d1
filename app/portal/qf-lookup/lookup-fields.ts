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

/** Each field's name in the error summary at the top of the form. */
export const LOOKUP_FIELD_LABELS: Record<LookupField, string> = {
  nomNaissance: "Nom de naissance",
  nomUsage: "Nom d’usage",
  prenom1: "Premier prénom",
  prenom2: "Deuxième prénom",
  prenom3: "Troisième prénom",
  sexe: "Sexe",
  jourNaissance: "Jour de naissance",
  moisNaissance: "Mois de naissance",
  anneeNaissance: "Année de naissance",
  paysNaissance: "Pays de naissance",
  communeNaissance: "Commune de naissance",
  communeCode: "Choix de la commune",
  ancienneCommune: "Ancienne commune",
  departementNaissance: "Département de naissance",
};
