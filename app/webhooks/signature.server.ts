import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";

/**
 * Signing of outgoing webhooks, in the Standard Webhooks format (https://www.standardwebhooks.com),
 * signed by its reference library so that any receiver using one of its libraries verifies us as is.
 *
 * - `webhook-id` is the event's id, `webhook-timestamp` the attempt's time in seconds, and
 *   `webhook-signature` holds `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. The id is
 *   signed: a captured request replayed under a new id no longer verifies, and the receiver's
 *   « already processed » check on the id cannot be bypassed within the timestamp's 5 minutes.
 * - During the grace period after a rotation, one signature per valid secret, space-separated,
 *   the new secret's first: a receiver still configured with either secret accepts.
 * - A secret is `whsec_` and 32 random bytes in base64; the HMAC key is those bytes.
 */

export const ID_HEADER = "webhook-id";
export const TIMESTAMP_HEADER = "webhook-timestamp";
export const SIGNATURE_HEADER = "webhook-signature";
/** Not part of the standard: lets a receiver route before parsing (the body's `type` says the same). */
export const EVENT_HEADER = "webhook-event";

const SECRET_PREFIX = "whsec_";

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${crypto.randomBytes(32).toString("base64")}`;
}

/**
 * The HMAC key of a secret. Node reads base64 and base64url alike, so secrets generated before the
 * Standard Webhooks format (base64url) sign too; their receivers must convert them (ADR 008).
 */
const secretBytes = (secret: string) =>
  Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");

/** `v1,<base64>`: one signature of one attempt. */
export function signWebhook(secret: string, eventId: string, timestamp: number, body: string): string {
  return new Webhook(secretBytes(secret), { format: "raw" }).sign(eventId, new Date(timestamp * 1000), body);
}

/** The headers of one attempt; `secrets` = current secret first, then the previous one if still valid. */
export function webhookHeaders(input: {
  secrets: string[];
  timestamp: number;
  body: string;
  eventId: string;
  eventType: string;
}): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "PortailQF-Webhooks/1",
    [ID_HEADER]: input.eventId,
    [EVENT_HEADER]: input.eventType,
    [TIMESTAMP_HEADER]: String(input.timestamp),
    [SIGNATURE_HEADER]: input.secrets
      .map((secret) => signWebhook(secret, input.eventId, input.timestamp, input.body))
      .join(" "),
  };
}
