import crypto from "node:crypto";

/**
 * The digest of an audit entry: SHA-256 over the previous entry's digest and
 * the entry's canonical content. Canonical = JSON with object keys sorted at
 * every level, so the same content always hashes the same whatever the order
 * the database hands jsonb keys back in.
 */

/** prev_digest of the very first entry. */
export const GENESIS_DIGEST = "0".repeat(64);

export interface AuditContent {
  id: number;
  occurredAt: Date;
  actorAgentId: string | null;
  collectivityId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function auditDigest(prevDigest: string, content: AuditContent): string {
  const canonical = canonicalJson({
    id: content.id,
    occurredAt: content.occurredAt.toISOString(),
    actorAgentId: content.actorAgentId,
    collectivityId: content.collectivityId,
    action: content.action,
    targetType: content.targetType,
    targetId: content.targetId,
    requestId: content.requestId,
    details: content.details,
  });
  return crypto.createHash("sha256").update(`${prevDigest}\n${canonical}`).digest("hex");
}
