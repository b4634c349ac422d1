import { birthdateParts, FRANCE_COG, type PivotIdentity } from "~/domain/pivot-identity";

/** API Particulier takes at most 3 first names; the first ones are the most discriminating. */
const MAX_PRENOMS = 3;

/**
 * Query parameters of `GET /v3/dss/quotient_familial/identite` for this identity (option 1: the
 * commune COG code; option 2, name + département, for a former commune). Unknown parts of a
 * presumed birthdate are left out, as the API ignores a day without a month anyway; the commune
 * is left out for people born abroad, as the API requires.
 */
export function toApiParticulierIdentityParams(
  identity: PivotIdentity,
  recipientSiret: string,
  period?: { annee: number; mois: number },
): URLSearchParams {
  const params = new URLSearchParams();
  params.set("recipient", recipientSiret);
  params.set("nomNaissance", identity.familyName);
  for (const prenom of identity.givenNames.slice(0, MAX_PRENOMS)) params.append("prenoms[]", prenom);
  const parts = birthdateParts(identity.birthdate);
  if (parts) {
    params.set("anneeDateNaissance", String(parts.year));
    if (parts.month !== null) params.set("moisDateNaissance", String(parts.month));
    if (parts.month !== null && parts.day !== null) params.set("jourDateNaissance", String(parts.day));
  }
  params.set("sexeEtatCivil", identity.gender === "female" ? "F" : "M");
  params.set("codeCogInseePaysNaissance", identity.birthcountry);
  if (identity.birthplace !== null && identity.birthcountry === FRANCE_COG) {
    params.set("codeCogInseeCommuneNaissance", identity.birthplace);
  } else if (identity.formerBirthplace && identity.birthcountry === FRANCE_COG) {
    // Option 2: API Particulier finds the commune's code from its name, département and birth year.
    params.set("nomCommuneNaissance", identity.formerBirthplace.name);
    params.set("codeCogInseeDepartementNaissance", identity.formerBirthplace.departement);
  }
  if (period) {
    params.set("annee", String(period.annee));
    params.set("mois", String(period.mois));
  }
  return params;
}
