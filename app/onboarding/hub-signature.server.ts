import crypto from "node:crypto";

/**
 * GitHub-style webhook signatures, as DataPass sends them:
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 */

export const SIGNATURE_HEADER = "X-Hub-Signature-256";

/** Hex HMAC-SHA256 of the exact bytes received (never a re-serialised JSON). */
export function hmacHex(secret: string, rawBody: Uint8Array): string {
  return crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
}

/** The header value a sender computes: used by tests and by the documentation. */
export function signHubPayload(secret: string, rawBody: Uint8Array | string): string {
  const bytes = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  return `sha256=${hmacHex(secret, bytes)}`;
}

/**
 * Whether `header` is the signature of `rawBody`. The comparison runs in
 * constant time, so response times reveal nothing of the expected value;
 * timingSafeEqual needs equal lengths, and a header of another length is
 * refused before it (its length is no secret: every valid header has the same).
 */
export function verifyHubSignature(rawBody: Uint8Array, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signHubPayload(secret, rawBody), "utf8");
  // Hex digits are case-insensitive: a sender printing them in upper case is still genuine.
  const provided = Buffer.from(header.trim().toLowerCase(), "utf8");
  if (provided.length !== expected.length) return false;
  return crypto.timingSafeEqual(provided, expected);
}
