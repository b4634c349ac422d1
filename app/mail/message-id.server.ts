import crypto from "node:crypto";

/**
 * The Message-ID of a mail, derived from its idempotency key: a message resent after a crash
 * carries the same one, so the receiving side can tell it is the same message.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "portail-qf.localhost";
  const digest = crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40);
  return `<${digest}@${domain}>`;
}
