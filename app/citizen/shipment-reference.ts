import crypto from "node:crypto";

/**
 * A shipment's public reference: 13 uppercase hex characters (52 random bits), the format of the
 * national form, shown to the citizen and the commune and used in HubEE's external id. Random
 * rather than sequential, so references reveal nothing about volumes and cannot be guessed.
 */

const REFERENCE_FORMAT = /^[0-9A-F]{13}$/;
const HUBEE_EXTERNAL_ID_PREFIX = "Formulaire-QF-";
/** HubEE's limit on externalId. */
const HUBEE_EXTERNAL_ID_MAX_LENGTH = 30;

export function newShipmentReference(): string {
  return crypto.randomBytes(7).toString("hex").slice(0, 13).toUpperCase();
}

export function isShipmentReference(s: unknown): s is string {
  return typeof s === "string" && REFERENCE_FORMAT.test(s);
}

/** `Formulaire-QF-<REF>` (27 chars), the folder externalId the national form uses so HubEE's portal displays it nicely. */
export function hubeeExternalId(reference: string): string {
  if (!isShipmentReference(reference)) throw new TypeError("Référence de transmission invalide");
  const externalId = `${HUBEE_EXTERNAL_ID_PREFIX}${reference}`;
  // Cannot happen with a valid reference; guards a future change of either format.
  if (externalId.length > HUBEE_EXTERNAL_ID_MAX_LENGTH) throw new RangeError("externalId HubEE trop long");
  return externalId;
}
