import { DEMO_COMMUNES } from "../demo-data.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import type { ApiParticulierTokenInput } from "./token-registry.ts";

/** Tokens for the error paths of `/identite`, alongside one full-QF token per demo commune. */
export const DEMO_TOKEN_WITHOUT_QF_SCOPE = "demo-api-particulier-sans-scope-qf";
export const DEMO_TOKEN_QF_VALUE_ONLY = "demo-api-particulier-qf-seul";
export const DEMO_TOKEN_EXPIRED = "demo-api-particulier-expire";
export const DEMO_TOKEN_BLACKLISTED = "demo-api-particulier-liste-noire";

export function demoTokens(): ApiParticulierTokenInput[] {
  return [
    ...DEMO_COMMUNES.map((commune) => ({
      token: commune.apiParticulierToken,
      label: `Commune : ${commune.name}`,
      scopes: ALL_QF_SCOPES,
      siret: commune.siret,
    })),
    {
      // Valid, but habilitated for another API only: 403 00100.
      token: DEMO_TOKEN_WITHOUT_QF_SCOPE,
      label: "Jeton sans habilitation QF (403)",
      scopes: ["revenu_solidarite_active", "prime_activite"],
    },
    {
      // Only the QF value: production drops allocataires, enfants and adresse.
      token: DEMO_TOKEN_QF_VALUE_ONLY,
      label: "Jeton limité au quotient familial (sans composition ni adresse)",
      scopes: ["cnaf_quotient_familial"],
    },
    {
      token: DEMO_TOKEN_EXPIRED,
      label: "Jeton expiré (401 00103)",
      scopes: ALL_QF_SCOPES,
      expiresAt: Date.UTC(2024, 0, 1),
    },
    {
      token: DEMO_TOKEN_BLACKLISTED,
      label: "Jeton sur liste noire (401 00105)",
      scopes: ALL_QF_SCOPES,
      blacklisted: true,
    },
  ];
}
