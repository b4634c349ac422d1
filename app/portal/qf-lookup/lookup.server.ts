import type { Database } from "../../../db/client.ts";
import { toApiParticulierIdentityParams } from "~/integrations/api-particulier/identity-params";
import { type PivotIdentity } from "~/domain/pivot-identity";
import type { QuotientFamilialData } from "~/domain/quotient-familial";
import type { ApiParticulierClient, QuotientFamilialOutcome } from "~/integrations/api-particulier/client.server";
import type { PacedSend, TokenPacer } from "~/integrations/api-particulier/token-pacer.server";
import type { RateLimitOptions } from "~/http/rate-limit.server";
import { checkSharedRateLimit } from "~/http/shared-rate-limit.server";
import { logger } from "~/utils/logger.server";
import { getApiParticulierToken } from "../settings/collectivity-settings.server";

/**
 * One QF lookup by pivot identity, for a citizen without FranceConnect: with the commune's own
 * API Particulier token and SIRET, through the same token pacer as the yearly campaigns,
 * so lookups and campaigns together stay under the token's limit.
 */

/**
 * Per agent: enough for a desk session, too few to scrape the CAF files. Counted in the database,
 * so several web processes do not multiply it and a restart does not reset it.
 */
export const AGENT_LOOKUP_LIMIT: RateLimitOptions = { limit: 30, windowMs: 10 * 60_000 };

/** An agent does not wait behind a long queue: past this, they are told to come back. */
const MAX_WAIT_MS = 8_000;

export type LookupOutcome =
  | { kind: "ok"; data: QuotientFamilialData }
  | { kind: "token_missing" }
  /** The agent's own limit (AGENT_LOOKUP_LIMIT). */
  | { kind: "agent_rate_limited"; retryAfterSeconds: number }
  /**
   * The token's limit: a 429 (called: the request reached API Particulier), or a pause left by
   * one, or a queue too long to wait in (not called).
   */
  | { kind: "token_rate_limited"; retryAfterSeconds: number; called: boolean }
  | Exclude<QuotientFamilialOutcome, { kind: "ok" } | { kind: "rate_limited" }>;

export interface LookupDeps {
  client: ApiParticulierClient;
  pacer: TokenPacer;
  encryptionKey: Buffer;
}

export interface LookupInput {
  collectivity: { id: string; siret: string };
  agentId: string;
  identity: PivotIdentity;
  usageName: string | null;
}

export async function lookUpQuotientFamilial(
  db: Database,
  deps: LookupDeps,
  input: LookupInput,
): Promise<LookupOutcome> {
  const agentLimit = await checkSharedRateLimit(db, `qf-lookup:${input.agentId}`, AGENT_LOOKUP_LIMIT);
  if (!agentLimit.allowed) return { kind: "agent_rate_limited", retryAfterSeconds: agentLimit.retryAfterSeconds };

  const token = await getApiParticulierToken(db, input.collectivity.id, deps.encryptionKey);
  if (!token) return { kind: "token_missing" };

  const params = toApiParticulierIdentityParams(input.identity, input.collectivity.siret);
  if (input.usageName) params.set("nomUsage", input.usageName);
  let paced: PacedSend<QuotientFamilialOutcome>;
  try {
    paced = await deps.pacer.send(token, {
      caller: "qf_lookup",
      signal: AbortSignal.timeout(MAX_WAIT_MS),
      send: () => deps.client.quotientFamilialWithIdentity(token, params),
      retryAfterOf: (outcome) => (outcome.kind === "rate_limited" ? outcome.retryAfterMs : null),
    });
  } catch (error) {
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return {
        kind: "token_rate_limited",
        retryAfterSeconds: Math.max(1, await deps.pacer.pausedSeconds(token)),
        called: false,
      };
    }
    throw error;
  }
  // Paused by a 429 (calling now would get the token banned for 12 h): say how long to wait.
  if (paced.kind !== "sent") {
    const retryAfterMs = paced.kind === "paused" ? paced.retryAfterMs : 1_000;
    return {
      kind: "token_rate_limited",
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      called: false,
    };
  }
  const outcome = paced.answer;
  // Ids and the outcome only: the identity never reaches the logs.
  logger.info({ collectivityId: input.collectivity.id, agentId: input.agentId, outcome: outcome.kind }, "recherche QF");
  if (outcome.kind === "rate_limited") {
    // The pacer has paused the token in every process and logged the defect.
    return {
      kind: "token_rate_limited",
      retryAfterSeconds: Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)),
      called: true,
    };
  }
  return outcome;
}

/** What the audit entry of a lookup says about its outcome: no identity, no QF. */
export interface LookupAuditOutcome {
  outcome: LookupOutcome["kind"];
  /** A request reached API Particulier (false: the agent's limit, no token, the token's queue). */
  called: boolean;
  /** API Particulier's HTTP status when there was one (null: no answer, e.g. a timeout). */
  httpStatus: number | null;
  /** API Particulier's error code when it gave one. */
  code?: string | null;
  /** ok only: whether the answer held a QF (a token without the QF scope gets none). */
  found?: boolean;
}

/**
 * The outcome part of the qf_lookup.performed audit entry. The operator dashboard counts API
 * Particulier's error rate of manual lookups from these entries (app/portal/dashboards/).
 */
export function lookupAuditOutcome(outcome: LookupOutcome): LookupAuditOutcome {
  switch (outcome.kind) {
    case "ok":
      return { outcome: "ok", called: true, httpStatus: 200, found: outcome.data.quotient_familial !== undefined };
    case "agent_rate_limited":
    case "token_missing":
      return { outcome: outcome.kind, called: false, httpStatus: null };
    case "token_rate_limited":
      return { outcome: outcome.kind, called: outcome.called, httpStatus: outcome.called ? 429 : null };
    case "not_found":
      return { outcome: outcome.kind, called: true, httpStatus: 404, code: outcome.code };
    case "invalid_request":
    case "provider_unavailable":
    case "unauthorized":
      return { outcome: outcome.kind, called: true, httpStatus: outcome.status, code: outcome.code };
    case "invalid_response":
      return { outcome: outcome.kind, called: true, httpStatus: outcome.status };
  }
}
