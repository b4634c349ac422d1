import { type Database } from "../../../db/client.ts";
import { toApiParticulierIdentityParams } from "~/integrations/api-particulier/identity-params";
import { sleep } from "~/integrations/http.server";
import type { ApiParticulierClient, QuotientFamilialOutcome } from "~/integrations/api-particulier/client.server";
import type { PacedSend } from "~/integrations/api-particulier/token-pacer.server";
import type { TokenPacer } from "~/integrations/api-particulier/token-pacer.server";
import { logger } from "~/utils/logger.server";
import { sharedPromise } from "~/utils/shared-promise";
import { getApiParticulierToken } from "../settings/collectivity-settings.server";
import { stopCommuneCampaigns } from "./campaigns.server";
import {
  applyOutcome,
  claimItems,
  holdCommuneCampaigns,
  finishCompletedCampaigns,
  finishItem,
  markInProgress,
  msUntilNextDueItem,
  pivotIdentityOf,
  releaseItem,
  type ClaimedItem,
} from "./campaign-items.server";

/**
 * The campaign worker. Any number of these loops (in one process or many) share the open
 * items of running campaigns:
 *
 * - claim: `FOR UPDATE SKIP LOCKED` picks due items nobody holds and leases them (claimLeaseMs);
 * - once the token pacer gives the item its turn, and before the pacer's guard lets the request
 *   leave, a conditional UPDATE marks the item in_progress, counts the attempt and extends the
 *   lease past the client timeout (the pacer's `beforeSend`: nothing slow may sit between the
 *   guard and the request). It only succeeds while this worker still holds the lease and the
 *   campaign still runs, so a worker that lost its lease (too slow) never calls: a live worker
 *   calls each family at most once per campaign;
 * - right after the answer, one transaction records the result and releases the item.
 *
 * Trade-off: a worker that dies between those two steps leaves items in_progress whose call
 * may or may not have reached API Particulier. When their lease expires another worker calls
 * them again (one duplicate call at most per item in flight at the crash, at most
 * `concurrency` items), rather than leave families without a result. The window is the HTTP
 * call itself, nothing else.
 */

/**
 * Calls in flight needed to keep a token's pace: rate × the time one call may take. 16 covers
 * 20 req/s with room; a raised limit (benchmarks: 180/s) needs more, or a slow answer leaves
 * its slot unused. Each extra call in flight is also one more possible duplicate after a crash.
 */
export function campaignConcurrency(ratePerSecond: number, callBudgetMs = 250): number {
  return Math.max(16, Math.ceil((ratePerSecond * callBudgetMs) / 1000));
}

/**
 * The loop's bounds in production (jobs/run-qf-campaigns.ts), shared with the benchmarks' worker
 * processes so they measure what runs: each commune's token keeps the items its pace needs, the
 * worker's own bound (CAMPAIGN_WORKER_CONCURRENCY) is over all communes together.
 */
export function campaignWorkerBounds(ratePerSecond: number, workerConcurrency: number) {
  const perCommune = campaignConcurrency(ratePerSecond);
  return { perCommune, concurrency: Math.max(workerConcurrency, perCommune), batchSize: 40 };
}

export interface CampaignWorkerDeps {
  client: ApiParticulierClient;
  pacer: TokenPacer;
  /** Decrypts the communes' API Particulier tokens. */
  encryptionKey: Buffer;
}

export interface CampaignWorkerOptions {
  /** Unique per loop (host-pid-random): written into leases. */
  workerId: string;
  /** Items claimed at once (default 20). */
  batchSize?: number;
  /**
   * Items waiting for their turn or in flight at once in this loop, all communes together (default
   * 16): the worker's global bound. Each commune's token is paced on its own (the pacer spaces its
   * calls), so one loop serves many communes side by side.
   */
  concurrency?: number;
  /** Items of one commune (one token) held at once in this loop (default: `concurrency`). */
  perCommune?: number;
  /** Items taken per campaign in one claim (default 4): the round-robin's quantum (ADR 028). */
  perCampaignClaim?: number;
  /** The loop returns at this time (ms epoch) or when there is nothing left to do. */
  until: number;
  /** Aborting stops the loop at once, leases left as they are (a crash, for tests). */
  signal?: AbortSignal;
  /**
   * Graceful stop (SIGTERM): no more claims, items not yet called go back to the queue, calls in
   * flight finish and are recorded, so another worker resumes at once instead of after the leases.
   */
  stopSignal?: AbortSignal;
  /** Lease of a claimed item before its call starts (default 60 s). */
  claimLeaseMs?: number;
  /** Lease during a call: longer than the client timeout (default 30 s). */
  callLeaseMs?: number;
  /** Calls per item for 502/503/504/timeouts before "failed" (default 4). */
  maxTries?: number;
  /** 429s per item before "failed" (default 10). */
  maxRateLimited?: number;
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /** Poll interval while waiting for items due later (default 1 s). */
  idlePollMs?: number;
}

export interface CampaignWorkerResult {
  /** "idle": nothing due before the deadline is known; "deadline": `until` came first. */
  stoppedBy?: "idle" | "deadline" | "stopped" | "aborted";
  processed: number;
  calls: number;
  byOutcome: Record<string, number>;
  finishedCampaigns: number;
}

export async function runCampaignWorker(
  db: Database,
  deps: CampaignWorkerDeps,
  options: CampaignWorkerOptions,
): Promise<CampaignWorkerResult> {
  const o = {
    batchSize: 20,
    concurrency: 16,
    claimLeaseMs: 60_000,
    callLeaseMs: 30_000,
    maxTries: 4,
    maxRateLimited: 10,
    backoff: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
    idlePollMs: 1_000,
    perCampaignClaim: 4,
    ...options,
  };
  const perCommune = options.perCommune ?? o.concurrency;
  const result: CampaignWorkerResult = { processed: 0, calls: 0, byOutcome: {}, finishedCampaigns: 0 };
  /** The promise is kept, not its value: the items of a commune claimed together read and decrypt its token once. */
  const tokens = new Map<string, Promise<string | null>>();
  const inFlight = new Set<Promise<void>>();
  /** Items held per commune in this loop: a commune at its bound is skipped by the claim. */
  const heldByCommune = new Map<string, number>();
  const aborted = () => o.signal?.aborted === true;
  const stopping = () => o.stopSignal?.aborted === true;
  // A graceful stop also ends waits for a rate slot (a 429 pause can last seconds).
  const waitSignal = o.stopSignal && o.signal ? AbortSignal.any([o.signal, o.stopSignal]) : (o.stopSignal ?? o.signal);

  // A failed read is not kept: the next item of the commune reads again.
  const tokenFor = (collectivityId: string) =>
    sharedPromise(tokens, collectivityId, () => getApiParticulierToken(db, collectivityId, deps.encryptionKey));

  const count = (outcome: string) => {
    result.byOutcome[outcome] = (result.byOutcome[outcome] ?? 0) + 1;
  };

  const processItem = async (item: ClaimedItem) => {
    const token = await tokenFor(item.collectivity_id);
    if (token === null) {
      await stopCommuneCampaigns(db, item.collectivity_id, item.campaign_id, "token_missing", null, null);
      await releaseItem(db, item.id, o.workerId, 0);
      count("token_missing");
      return;
    }
    const identity = pivotIdentityOf(item);
    if (!identity) {
      await finishItem(db, item, o.workerId, "rejected", { errorCode: "identity_incomplete" });
      count("rejected");
      result.processed++;
      return;
    }
    const params = toApiParticulierIdentityParams(identity, item.siret, { annee: item.annee, mois: item.mois });
    let paced: PacedSend<QuotientFamilialOutcome>;
    let marked = false;
    try {
      paced = await deps.pacer.send(token, {
        caller: "campaign",
        signal: waitSignal,
        beforeSend: async () => {
          if (aborted() || stopping()) return false;
          marked = await markInProgress(db, item.id, o.workerId, o.callLeaseMs);
          if (!marked) count("lease_lost");
          return marked;
        },
        send: async () => {
          result.calls++;
          try {
            return await deps.client.quotientFamilialWithIdentity(token, params);
          } catch (error) {
            // A bug or an unexpected network error: treated like a provider fault (bounded retries).
            logger.error(
              { itemId: item.id, err: error instanceof Error ? error.name : "unknown" },
              "appel QF en échec",
            );
            return { kind: "provider_unavailable", status: null, code: "exception", retryInMs: null };
          }
        },
        retryAfterOf: (outcome) => (outcome.kind === "rate_limited" ? outcome.retryAfterMs : null),
      });
    } catch (error) {
      if (!stopping() || aborted()) throw error;
      paced = { kind: "cancelled" };
    }
    if (aborted()) return;
    if (paced.kind === "cancelled") {
      // Stopping (the item goes back at once), or the lease was lost (another worker has it).
      if (stopping()) await releaseItem(db, item.id, o.workerId, 0, { attemptNotMade: marked });
      return;
    }
    if (paced.kind === "paused") {
      // A 429 paused the token (in every process): nothing was sent, so the item waits in the queue
      // for the end of the pause, its attempt given back if it was already counted. The commune's
      // campaigns are held until then: no claim picks their items while the token cannot send.
      await holdCommuneCampaigns(db, item.collectivity_id, paced.retryAfterMs);
      await releaseItem(db, item.id, o.workerId, paced.retryAfterMs, { attemptNotMade: marked });
      return;
    }
    const outcome = paced.answer;
    if (aborted()) return; // "killed" between the call and its result: the lease expires, another worker retries
    count(outcome.kind);
    await applyOutcome(db, o, item, outcome);
    if (outcome.kind !== "rate_limited" && outcome.kind !== "unauthorized") result.processed++;
  };

  const start = (item: ClaimedItem) => {
    heldByCommune.set(item.collectivity_id, (heldByCommune.get(item.collectivity_id) ?? 0) + 1);
    const p: Promise<void> = processItem(item)
      .catch((error: unknown) => {
        if (aborted()) return;
        logger.error({ itemId: item.id, err: error }, "élément en échec");
      })
      .finally(() => {
        inFlight.delete(p);
        const held = (heldByCommune.get(item.collectivity_id) ?? 1) - 1;
        if (held > 0) heldByCommune.set(item.collectivity_id, held);
        else heldByCommune.delete(item.collectivity_id);
      });
    inFlight.add(p);
  };

  try {
    await claimAndStartItems();
  } catch (error) {
    // A database error (PostgreSQL restarting, a failover) ends this run, but only once the calls
    // already started have ended: the job's next run would otherwise start beside them, over the
    // worker's bound on calls in flight, and their results could still be written after it began.
    await Promise.allSettled(inFlight);
    throw error;
  }
  if (aborted()) return { ...result, stoppedBy: "aborted" };
  result.stoppedBy ??= stopping() ? "stopped" : "deadline";
  await Promise.all(inFlight);
  result.finishedCampaigns += await finishCompletedCampaigns(db);
  return result;

  async function claimAndStartItems() {
    while (!aborted() && !stopping() && Date.now() < o.until) {
      const room = o.concurrency - inFlight.size;
      let claimed: ClaimedItem[] = [];
      if (room >= Math.min(o.batchSize, o.concurrency) / 2) {
        // A commune whose token has its share of this loop is not claimed for: its items would only
        // wait for the token's slots while holding the loop's room.
        const full = [...heldByCommune].filter(([, held]) => held + o.perCampaignClaim > perCommune).map(([id]) => id);
        claimed = await claimItems(db, o.workerId, {
          limit: Math.min(room, o.batchSize),
          leaseMs: o.claimLeaseMs,
          perCampaign: Math.min(o.perCampaignClaim, perCommune),
          skipCollectivityIds: full,
        });
        for (const item of claimed) start(item);
      }
      if (claimed.length > 0) {
        // Let the claimed items take their slots before claiming more.
        await Promise.race([...inFlight, sleep(50)]);
        continue;
      }
      if (inFlight.size > 0) {
        await Promise.race([...inFlight, sleep(o.idlePollMs)]);
        continue;
      }
      result.finishedCampaigns += await finishCompletedCampaigns(db);
      const nextDueMs = await msUntilNextDueItem(db);
      if (nextDueMs === null) {
        result.stoppedBy = "idle";
        break;
      }
      if (Date.now() + nextDueMs >= o.until) break;
      await sleep(Math.min(Math.max(nextDueMs, 20), o.idlePollMs));
    }
  }
}

/**
 * The worker job's loop: passes of `passMs` follow each other for as long as items are due, so a
 * campaign keeps its full rate across passes instead of idling until the next scheduler tick. Each
 * pass re-reads the communes' tokens (an administrator may replace one mid-campaign). Returns when
 * nothing is due, at `until`, or when `signal` aborts.
 */
export async function runCampaignPasses(
  db: Database,
  deps: CampaignWorkerDeps,
  options: Omit<CampaignWorkerOptions, "until"> & { passMs: number; until?: number },
): Promise<CampaignWorkerResult & { passes: number }> {
  const { passMs, until = Number.POSITIVE_INFINITY, ...passOptions } = options;
  const total: CampaignWorkerResult & { passes: number } = {
    stoppedBy: "idle",
    processed: 0,
    calls: 0,
    byOutcome: {},
    finishedCampaigns: 0,
    passes: 0,
  };
  for (;;) {
    const passEnd = Math.min(Date.now() + passMs, until);
    const pass = await runCampaignWorker(db, deps, { ...passOptions, until: passEnd });
    total.passes++;
    total.stoppedBy = pass.stoppedBy;
    total.processed += pass.processed;
    total.calls += pass.calls;
    total.finishedCampaigns += pass.finishedCampaigns;
    for (const [outcome, count] of Object.entries(pass.byOutcome)) {
      total.byOutcome[outcome] = (total.byOutcome[outcome] ?? 0) + count;
    }
    if (pass.stoppedBy !== "deadline" || passEnd >= until) return total;
  }
}
