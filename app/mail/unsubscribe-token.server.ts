import crypto from "node:crypto";
import { OPTIONAL_MAIL_KINDS, type OptionalMailKind } from "../../db/schema/index.ts";

/**
 * The token of a one-click unsubscribe link (RFC 8058): the agent and the kind of mail, signed
 * with the session secret. It only turns one kind of optional mail off, so it never expires.
 */

const sign = (payload: string, secret: string) =>
  crypto.createHmac("sha256", secret).update(`unsubscribe:${payload}`).digest("base64url");

export function unsubscribeToken(agentId: string, kind: OptionalMailKind, secret: string): string {
  const payload = `${agentId}.${kind}`;
  return `${payload}.${sign(payload, secret)}`;
}

/** Verified with every session secret (a rotation keeps links of older mails working). */
export function readUnsubscribeToken(
  token: string,
  secrets: string[],
): { agentId: string; kind: OptionalMailKind } | null {
  const [agentId, kind, signature] = token.split(".");
  if (!agentId || !kind || !signature || !/^[0-9a-f-]{36}$/.test(agentId)) return null;
  if (!(OPTIONAL_MAIL_KINDS as readonly string[]).includes(kind)) return null;
  const given = Buffer.from(signature);
  for (const secret of secrets) {
    const expected = Buffer.from(sign(`${agentId}.${kind}`, secret));
    if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) {
      return { agentId, kind: kind as OptionalMailKind };
    }
  }
  return null;
}
