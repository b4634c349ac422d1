import type { ShipmentData } from "../payload/types";
import { pivotIdentityFromClaims } from "../pivot-identity";
import { parseQuotientFamilialResponse } from "../quotient-familial";
import { loadStagingFixture, type STAGING_FIXTURES } from "./staging";

/** FranceConnect's `test` integration user. */
export const DUBOIS_CLAIMS = {
  family_name: "DUBOIS",
  given_name: "Angela Claire Louise",
  gender: "female",
  birthdate: "1962-08-24",
  birthplace: "75107",
  birthcountry: "99100",
};

export function stagingQuotientFamilial(name: keyof typeof STAGING_FIXTURES) {
  const parsed = parseQuotientFamilialResponse(loadStagingFixture(name).body);
  if (!parsed.success) throw new Error(`Fixture ${name} illisible : ${parsed.issues.join(", ")}`);
  return parsed.data;
}

/** The `test` user sending her CNAF QF (staging: 2550, February 2024, no child) to a commune. */
export function duboisShipment(overrides: Partial<ShipmentData> = {}): ShipmentData {
  return {
    reference: "0A1B2C3D4E5F6",
    externalId: "DOSSIER-42",
    collectivity: { name: "Angers", siret: "21490007900010", codeCog: "49007" },
    pivotIdentity: pivotIdentityFromClaims(DUBOIS_CLAIMS),
    quotientFamilial: stagingQuotientFamilial("dubois"),
    createdAt: "2025-11-26T16:15:00.000Z",
    ...overrides,
  };
}
