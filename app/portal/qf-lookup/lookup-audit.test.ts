import { describe, expect, it } from "vitest";
import { lookupAuditOutcome, type LookupOutcome } from "./lookup.server";

/** The audit entry of a lookup records whether API Particulier was called and how it answered. */
describe("lookupAuditOutcome", () => {
  it("records the call and the HTTP status of each outcome, never the person", () => {
    const cases: Array<[LookupOutcome, Record<string, unknown>]> = [
      [
        { kind: "ok", data: { quotient_familial: { valeur: 4270 } } as never },
        { outcome: "ok", called: true, httpStatus: 200, found: true },
      ],
      [
        { kind: "ok", data: {} as never },
        { outcome: "ok", called: true, httpStatus: 200, found: false },
      ],
      [
        { kind: "not_found", code: "37003" },
        { outcome: "not_found", called: true, httpStatus: 404, code: "37003" },
      ],
      [
        { kind: "invalid_request", status: 422, code: "37001", detail: "Nom invalide", parameters: ["nomNaissance"] },
        { outcome: "invalid_request", called: true, httpStatus: 422, code: "37001" },
      ],
      [
        { kind: "provider_unavailable", status: null, code: null, retryInMs: null },
        { outcome: "provider_unavailable", called: true, httpStatus: null, code: null },
      ],
      [
        { kind: "unauthorized", status: 403, code: null },
        { outcome: "unauthorized", called: true, httpStatus: 403, code: null },
      ],
      [
        { kind: "invalid_response", status: 200 },
        { outcome: "invalid_response", called: true, httpStatus: 200 },
      ],
      [
        { kind: "token_rate_limited", retryAfterSeconds: 2, called: true },
        { outcome: "token_rate_limited", called: true, httpStatus: 429 },
      ],
      [
        { kind: "token_rate_limited", retryAfterSeconds: 2, called: false },
        { outcome: "token_rate_limited", called: false, httpStatus: null },
      ],
      [
        { kind: "agent_rate_limited", retryAfterSeconds: 60 },
        { outcome: "agent_rate_limited", called: false, httpStatus: null },
      ],
      [{ kind: "token_missing" }, { outcome: "token_missing", called: false, httpStatus: null }],
    ];
    for (const [outcome, expected] of cases) {
      const details = lookupAuditOutcome(outcome);
      expect(details).toEqual(expected);
      // The API's detail text may quote the identity: it never reaches the trail.
      expect(JSON.stringify(details)).not.toMatch(/4270|Nom invalide|nomNaissance/);
    }
  });
});
