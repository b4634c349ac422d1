import { describe, expect, it } from "vitest";
import { auditDigest, canonicalJson, GENESIS_DIGEST } from "./audit-digest";

describe("audit digest", () => {
  const entry = {
    id: 1,
    occurredAt: new Date("2025-01-15T10:00:00.123Z"),
    actorAgentId: null,
    collectivityId: null,
    action: "settings.updated",
    targetType: null,
    targetId: null,
    requestId: "r1",
    details: { b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } },
  };

  it("does not depend on key order (jsonb does not keep it)", () => {
    expect(canonicalJson({ b: 1, a: { c: null, d: [1, { e: 1, f: 2 }] } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}',
    );
    expect(auditDigest(GENESIS_DIGEST, entry)).toBe(
      auditDigest(GENESIS_DIGEST, { ...entry, details: { a: { c: null, d: [1, { e: 1, f: 2 }] }, b: 1 } }),
    );
  });

  it("changes with any field and with the previous digest", () => {
    const base = auditDigest(GENESIS_DIGEST, entry);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(auditDigest("1".repeat(64), entry)).not.toBe(base);
    expect(auditDigest(GENESIS_DIGEST, { ...entry, id: 2 })).not.toBe(base);
    expect(auditDigest(GENESIS_DIGEST, { ...entry, occurredAt: new Date("2025-01-15T10:00:00.124Z") })).not.toBe(base);
    expect(auditDigest(GENESIS_DIGEST, { ...entry, details: { ...entry.details, b: 2 } })).not.toBe(base);
    expect(auditDigest(GENESIS_DIGEST, { ...entry, requestId: null })).not.toBe(base);
  });
});
