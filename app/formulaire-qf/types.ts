import type { PivotIdentity } from "~/domain/pivot-identity";
import type { QuotientFamilialData } from "~/domain/quotient-familial";

/**
 * Everything a shipment to a commune carries. It is stored encrypted as JSON until HubEE has it,
 * so it holds only JSON values (hence an ISO string for the date).
 */
export interface ShipmentData {
  /** 13 uppercase hex chars (see shipment-reference.ts). */
  reference: string;
  /** The identifier the commune's own portal passed in the deep link, if any. */
  externalId: string | null;
  collectivity: { name: string; siret: string; codeCog: string };
  pivotIdentity: PivotIdentity;
  quotientFamilial: QuotientFamilialData;
  /** When the citizen confirmed the transmission, ISO 8601. */
  createdAt: string;
}

/** One file of the HubEE folder. */
export interface ShipmentAttachment {
  fileName: string;
  mimeType: string;
  content: Buffer;
}
