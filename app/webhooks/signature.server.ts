import crypto from "node:crypto";

/**
 * Signing of outgoing webhooks. The signed content is `<timestamp>.<body>`: a captured request
 * replayed later carries an old X-Webhook-Timestamp the receiver refuses, and the timestamp
 * cannot be changed without breaking the signature.
 *
 * X-Signature-256 holds one `sha256=<hex>` per valid secret, comma-separated: during the grace
 * period after a rotation, the new secret's signature first, then the previous one's, so a
 * receiver still configured with either secret accepts the delivery.
 */

export const SIGNATURE_HEADER = "X-Signature-256";
export const TIMESTAMP_HEADER = "X-Webhook-Timestamp";
export const ID_HEADER = "X-Webhook-Id";
export const EVENT_HEADER = "X-Webhook-Event";

/** `whsec_` and 32 random bytes: shown once to the administrator, used as is (UTF-8) as the HMAC key. */
export function generateWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString("base64url")}`;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
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
    [SIGNATURE_HEADER]: input.secrets.map((s) => `sha256=${signWebhook(s, input.timestamp, input.body)}`).join(","),
  };
}
