import { eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import { apiParticulierRateLimits } from "../../../db/schema/index.ts";
import { toApiParticulierIdentityParams, type PivotIdentity } from "~/citizen/pivot-identity";
import type { QuotientFamilialData } from "~/citizen/quotient-familial";
import type { ApiParticulierClient, QuotientFamilialOutcome } from "~/integrations/api-particulier.server";
import type { RateLimitOptions } from "~/http/rate-limit.server";
import { checkSharedRateLimit } from "~/http/shared-rate-limit.server";
import { logger } from "~/utils/logger.server";
import { tokenHash, type TokenRateLimiter } from "../campaigns/rate-limiter.server";
import { getApiParticulierToken } from "../collectivity-settings.server";

/**
 * One QF lookup by pivot identity, for a citizen without FranceConnect: with the commune's own
 * API Particulier token and SIRET, through the same database limiter as the yearly campaigns,
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
  limiter: TokenRateLimiter;
  encryptionKey: Buffer;
}

export interface LookupInput {
  collectivity: { id: string; siret: string };
  agentId: string;
  identity: PivotIdentity;
  usageName: string | null;
}

/** Seconds left of a pause another caller's 429 put on the token (0 when none). */
async function pausedSeconds(db: Database, token: string): Promise<number> {
  const [row] = await queryRows<{ ms: number | null }>(
    db,
    sql`select (extract(epoch from ${apiParticulierRateLimits.pausedUntil} - clock_timestamp()) * 1000)::float8 as ms
        from ${apiParticulierRateLimits} where ${eq(apiParticulierRateLimits.tokenHash, tokenHash(token))}`,
  );
  const ms = Number(row?.ms ?? 0);
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
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

  // Calling during a pause would get the token banned for 12 h: say how long to wait instead.
  const paused = await pausedSeconds(db, token);
  if (paused > 0) return { kind: "token_rate_limited", retryAfterSeconds: paused, called: false };
  try {
    await deps.limiter.acquire(token, AbortSignal.timeout(MAX_WAIT_MS));
  } catch (error) {
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return {
        kind: "token_rate_limited",
        retryAfterSeconds: Math.max(1, await pausedSeconds(db, token)),
        called: false,
      };
    }
    throw error;
  }

  const params = toApiParticulierIdentityParams(input.identity, input.collectivity.siret);
  if (input.usageName) params.set("nomUsage", input.usageName);
  const outcome = await deps.client.quotientFamilialWithIdentity(token, params);
  // Ids and the outcome only: the identity never reaches the logs.
  logger.info({ collectivityId: input.collectivity.id, agentId: input.agentId, outcome: outcome.kind }, "recherche QF");
  if (outcome.kind === "rate_limited") {
    await deps.limiter.pause(token, outcome.retryAfterMs);
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
