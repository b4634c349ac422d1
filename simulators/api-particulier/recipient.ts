import { apiErrors, type ApiParticulierError } from "./errors.ts";
import { scalar, type RawQuery } from "./query-params.ts";
import { isValidSiret } from "./siret.ts";

/** `recipient` is mandatory on every v3 call and must be the SIRET of the public body served. */
export function recipientError(query: RawQuery): ApiParticulierError | null {
  const recipient = scalar(query, "recipient");
  if (!recipient) return apiErrors.missingRecipient();
  return isValidSiret(recipient) ? null : apiErrors.invalidRecipient();
}
