import type { QfRequestParams } from "./civility-params.ts";

/**
 * What API Particulier sends the provider for a FranceConnect call: the pivot identity
 * turned into the `/identite` parameters (siade's civility_parameters_from_france_connect):
 * family_name→nomNaissance, preferred_username→nomUsage, given_name split on spaces→prenoms,
 * birthdate→year/month/day with presumed `00` parts left out, gender male/female→M/F,
 * birthplace→codeCogInseeCommuneNaissance (empty when born abroad), birthcountry→pays.
 */
export function paramsFromFranceConnect(identity: Record<string, unknown>): QfRequestParams {
  const params: QfRequestParams = {};
  const text = (key: string) => {
    const value = identity[key];
    return typeof value === "string" && value.trim() ? value.trim() : undefined;
  };
  params.nomNaissance = text("family_name");
  params.nomUsage = text("preferred_username");
  const givenNames =
    text("given_name")?.split(/\s+/) ??
    (Array.isArray(identity.given_name_array) ? identity.given_name_array.map(String).filter(Boolean) : []);
  if (givenNames.length > 0) params.prenoms = givenNames;
  const [year, month, day] = (text("birthdate") ?? "").split("-");
  if (year && Number(year) > 0) {
    params.anneeDateNaissance = String(Number(year));
    if (month && Number(month) > 0) {
      params.moisDateNaissance = String(Number(month));
      if (day && Number(day) > 0) params.jourDateNaissance = String(Number(day));
    }
  }
  const gender = text("gender");
  if (gender === "male") params.sexeEtatCivil = "M";
  if (gender === "female") params.sexeEtatCivil = "F";
  params.codeCogInseeCommuneNaissance = text("birthplace");
  params.codeCogInseePaysNaissance = text("birthcountry");
  for (const key of Object.keys(params) as Array<keyof QfRequestParams>) {
    if (params[key] === undefined) delete params[key];
  }
  return params;
}
