import type { QfData } from "./qf-data.ts";

/** Which scope unlocks which key of `data` (API Particulier v3: one scope, one root key). */
export const QF_SCOPE_BY_KEY = {
  allocataires: "cnaf_allocataires",
  enfants: "cnaf_enfants",
  adresse: "cnaf_adresse",
  quotient_familial: "cnaf_quotient_familial",
} as const satisfies Record<keyof QfData, string>;

export const ALL_QF_SCOPES: string[] = Object.values(QF_SCOPE_BY_KEY);

/** FranceConnect scopes that carry the pivot identity (siade expands identite_pivot to these). */
const PIVOT_IDENTITY_CLAIMS = ["given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"];

export function hasAnyQfScope(scopes: readonly string[]): boolean {
  return ALL_QF_SCOPES.some((scope) => scopes.includes(scope));
}

export function hasPivotIdentityScope(scopes: readonly string[]): boolean {
  return scopes.includes("identite_pivot") || PIVOT_IDENTITY_CLAIMS.every((claim) => scopes.includes(claim));
}

/**
 * Production removes the keys whose scope the token lacks (staging does not; the
 * simulator behaves like production, so clients are tested against real payloads).
 */
export function filterDataByScopes(data: QfData, scopes: readonly string[]): QfData {
  const filtered: QfData = {};
  for (const [key, value] of Object.entries(data) as Array<[keyof QfData, QfData[keyof QfData]]>) {
    const scope = QF_SCOPE_BY_KEY[key];
    if (!scope || scopes.includes(scope)) Object.assign(filtered, { [key]: value });
  }
  return filtered;
}
