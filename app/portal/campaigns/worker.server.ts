import { sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../../db/client.ts";
import { qfHistory, type FinalItemStatus } from "../../../db/schema/index.ts";
import { toApiParticulierIdentityParams } from "~/integrations/api-particulier/identity-params";
import { type PivotIdentity } from "~/domain/pivot-identity";
import { backoffDelay, sleep } from "~/integrations/http.server";
import type { ApiParticulierClient, QuotientFamilialOutcome } from "~/integrations/api-particulier/client.server";
import type { PacedSend } from "~/integrations/api-particulier/token-pacer.server";
import type { TokenPacer } from "~/integrations/api-particulier/token-pacer.server";
import { logger } from "~/utils/logger.server";
import { emitWebhookEvent } from "~/webhooks/outbox.server";
import { campaignResults } from "~/webhooks/payloads";
import { recordAudit } from "../../audit/audit.server";
import { getApiParticulierToken } from "../settings/collectivity-settings.server";
import { stopCommuneCampaigns } from "./campaigns.server";

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
  /** Items waiting for their turn or in flight at once in this loop (default 16): the pacer spaces the calls. */
  concurrency?: number;
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

// A type, not an interface: queryRows wants an index-compatible row type.
type ClaimedItem = {
  id: string;
  campaign_id: string;
  family_id: string;
  collectivity_id: string;
  siret: string;
  annee: number;
  mois: number;
  old_value: number | null;
  attempts: number;
  transient_failures: number;
  rate_limited_count: number;
  family_name: string | null;
  given_names: string | null;
  gender: "male" | "female" | null;
  birthdate: string | null;
  birthplace: string | null;
  birthcountry: string | null;
  birthplace_name: string | null;
  birth_departement: string | null;
};

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
    ...options,
  };
  const result: CampaignWorkerResult = { processed: 0, calls: 0, byOutcome: {}, finishedCampaigns: 0 };
  const tokens = new Map<string, string | null>();
  const inFlight = new Set<Promise<void>>();
  const aborted = () => o.signal?.aborted === true;
  const stopping = () => o.stopSignal?.aborted === true;
  // A graceful stop also ends waits for a rate slot (a 429 pause can last seconds).
  const waitSignal = o.stopSignal && o.signal ? AbortSignal.any([o.signal, o.stopSignal]) : (o.stopSignal ?? o.signal);

  const tokenFor = async (collectivityId: string) => {
    if (!tokens.has(collectivityId)) {
      tokens.set(collectivityId, await getApiParticulierToken(db, collectivityId, deps.encryptionKey));
    }
    return tokens.get(collectivityId) ?? null;
  };

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
      // for the end of the pause, its attempt given back if it was already counted.
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
    const p: Promise<void> = processItem(item)
      .catch((error: unknown) => {
        if (aborted()) return;
        logger.error({ itemId: item.id, err: error }, "élément en échec");
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  while (!aborted() && !stopping() && Date.now() < o.until) {
    const room = o.concurrency - inFlight.size;
    let claimed: ClaimedItem[] = [];
    if (room >= Math.min(o.batchSize, o.concurrency) / 2) {
      claimed = await claimItems(db, o.workerId, Math.min(room, o.batchSize), o.claimLeaseMs);
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
  if (aborted()) return { ...result, stoppedBy: "aborted" };
  result.stoppedBy ??= stopping() ? "stopped" : "deadline";
  await Promise.all(inFlight);
  result.finishedCampaigns += await finishCompletedCampaigns(db);
  return result;
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

/** Pivot identity from the family file; null when a required part is missing. */
function pivotIdentityOf(item: ClaimedItem): PivotIdentity | null {
  if (!item.family_name || !item.gender || !item.birthdate || !item.birthcountry) return null;
  const givenNames = (item.given_names ?? "").split(/\s+/).filter((n) => n !== "");
  if (givenNames.length === 0) return null; // the identity route requires at least one first name
  return {
    familyName: item.family_name,
    givenNames,
    gender: item.gender,
    birthdate: item.birthdate,
    birthplace: item.birthplace,
    birthcountry: item.birthcountry,
    // A former commune saved by an agent's lookup: queried again by name + département.
    formerBirthplace:
      item.birthplace_name && item.birth_departement
        ? { name: item.birthplace_name, departement: item.birth_departement }
        : null,
  };
}

/**
 * Leases up to `limit` due items of running campaigns: pending ones nobody holds, and
 * in_progress ones whose worker died (lease expired: their call may have happened).
 */
async function claimItems(db: Database, workerId: string, limit: number, leaseMs: number): Promise<ClaimedItem[]> {
  return queryRows<ClaimedItem>(
    db,
    sql`with picked as (
          select i.id from qf_campaign_items i
          join qf_campaigns c on c.id = i.campaign_id
          where c.status = 'running'
            and ((i.status = 'pending' and i.next_attempt_at <= clock_timestamp()
                  and (i.lease_until is null or i.lease_until < clock_timestamp()))
                 or (i.status = 'in_progress' and i.lease_until < clock_timestamp()))
          order by i.next_attempt_at
          limit ${limit}
          for update of i skip locked),
        claimed as (
          update qf_campaign_items i
          set status = 'pending', leased_by = ${workerId},
              lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000}::float8)
          from picked where i.id = picked.id
          returning i.id, i.campaign_id, i.family_id, i.old_value, i.attempts, i.transient_failures, i.rate_limited_count)
        select cl.id, cl.campaign_id, cl.family_id, c.collectivity_id, co.siret, c.annee, c.mois, cl.old_value, cl.attempts,
               cl.transient_failures, cl.rate_limited_count, f.family_name, f.given_names, f.gender, f.birthdate,
               f.birthplace, f.birthcountry, f.birthplace_name, f.birth_departement
        from claimed cl
        join qf_campaigns c on c.id = cl.campaign_id
        join collectivities co on co.id = c.collectivity_id
        join families f on f.id = cl.family_id`,
  );
}

/** The point after which a call may have happened. False: lease lost or campaign no longer running. */
async function markInProgress(db: Database, itemId: string, workerId: string, callLeaseMs: number) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update qf_campaign_items i
        set status = 'in_progress', attempts = attempts + 1, last_call_at = clock_timestamp(),
            lease_until = clock_timestamp() + make_interval(secs => ${callLeaseMs / 1000}::float8)
        where i.id = ${itemId}::uuid and i.leased_by = ${workerId} and i.status = 'pending'
          and i.lease_until > clock_timestamp()
          and exists (select 1 from qf_campaigns c where c.id = i.campaign_id and c.status = 'running')
        returning i.id`,
  );
  return rows.length === 1;
}

/** Back to pending without a result (429, stopped campaign), due at `delayMs` from now. */
async function releaseItem(
  db: Database,
  itemId: string,
  workerId: string,
  delayMs: number,
  extra: {
    transientFailure?: boolean;
    rateLimited?: boolean;
    errorCode?: string | null;
    attemptNotMade?: boolean;
  } = {},
) {
  await db.execute(
    sql`update qf_campaign_items
        set status = 'pending', lease_until = null, leased_by = null,
            next_attempt_at = clock_timestamp() + make_interval(secs => ${delayMs / 1000}::float8),
            transient_failures = transient_failures + ${extra.transientFailure ? 1 : 0},
            rate_limited_count = rate_limited_count + ${extra.rateLimited ? 1 : 0},
            attempts = attempts - ${extra.attemptNotMade ? 1 : 0},
            error_code = coalesce(${extra.errorCode ?? null}, error_code)
        where id = ${itemId}::uuid and leased_by = ${workerId}`,
  );
}

async function finishItem(
  db: DbExecutor,
  item: ClaimedItem,
  workerId: string,
  status: FinalItemStatus,
  fields: { newValue?: number; provider?: "CNAF" | "MSA"; errorCode?: string | null; transientFailure?: boolean },
) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update qf_campaign_items
        set status = ${status}, lease_until = null, leased_by = null, finished_at = clock_timestamp(),
            new_value = ${fields.newValue ?? null}, provider = ${fields.provider ?? null},
            error_code = ${fields.errorCode ?? null},
            transient_failures = transient_failures + ${fields.transientFailure ? 1 : 0}
        where id = ${item.id}::uuid and leased_by = ${workerId}
        returning id`,
  );
  return rows.length === 1;
}

class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

async function applyOutcome(
  db: Database,
  o: Required<Pick<CampaignWorkerOptions, "workerId" | "maxTries" | "maxRateLimited" | "backoff">>,
  item: ClaimedItem,
  outcome: QuotientFamilialOutcome,
) {
  switch (outcome.kind) {
    case "ok": {
      const qf = outcome.data.quotient_familial;
      if (!qf) {
        // The token lacks the cnaf_quotient_familial scope: nothing to record.
        await finishItem(db, item, o.workerId, "failed", { errorCode: "no_quotient_familial" });
        return;
      }
      const status: FinalItemStatus = item.old_value === qf.valeur ? "unchanged" : "updated";
      await db.transaction(async (t) => {
        await t.insert(qfHistory).values({
          familyId: item.family_id,
          value: qf.valeur,
          annee: qf.annee,
          mois: qf.mois,
          provider: qf.fournisseur,
          source: "yearly_update",
        });
        // The current QF moves only forward in time: an older period never replaces a newer one.
        const moved = await queryRows<{ id: string }>(
          t,
          sql`update families
              set qf_value = ${qf.valeur}, qf_annee = ${qf.annee}, qf_mois = ${qf.mois},
                  qf_provider = ${qf.fournisseur}, qf_updated_at = now(), updated_at = now()
              where id = ${item.family_id}::uuid
                and (qf_annee is null or qf_annee * 12 + coalesce(qf_mois, 1) <= ${qf.annee * 12 + qf.mois})
              returning id`,
        );
        const finished = await finishItem(t, item, o.workerId, status, {
          newValue: qf.valeur,
          provider: qf.fournisseur,
        });
        // Lease lost meanwhile (should not happen: the call lease outlives the client timeout).
        if (!finished) throw new LeaseLostError();
        // The commune's systems hear of a QF that changed, in the same transaction (outbox).
        if (status === "updated" && moved.length === 1) {
          await emitWebhookEvent(t, item.collectivity_id, {
            type: "qf.mis_a_jour",
            data: {
              dossier_id: item.family_id,
              ancienne_valeur: item.old_value,
              nouveau: { valeur: qf.valeur, annee: qf.annee, mois: qf.mois, fournisseur: qf.fournisseur },
              origine: "mise_a_jour_annuelle",
              campagne_id: item.campaign_id,
            },
          });
        }
      });
      return;
    }
    case "not_found":
      // Nothing is deleted: the family keeps its file and last known QF.
      await finishItem(db, item, o.workerId, "not_found", { errorCode: outcome.code ?? "404" });
      return;
    case "invalid_request":
      await finishItem(db, item, o.workerId, "rejected", { errorCode: outcome.code ?? String(outcome.status) });
      return;
    case "invalid_response":
      await finishItem(db, item, o.workerId, "failed", { errorCode: `invalid_response_${outcome.status}` });
      return;
    case "rate_limited": {
      // The pacer has already paused the token in every process (and logged the defect).
      if (item.rate_limited_count + 1 >= o.maxRateLimited) {
        await finishItem(db, item, o.workerId, "failed", { errorCode: "429" });
        return;
      }
      // The request was refused before reaching the provider: the item goes back to the queue.
      await releaseItem(db, item.id, o.workerId, outcome.retryAfterMs, { rateLimited: true, errorCode: "429" });
      return;
    }
    case "provider_unavailable": {
      const errorCode = outcome.status === null ? "timeout" : String(outcome.status);
      if (item.transient_failures + 1 >= o.maxTries) {
        await finishItem(db, item, o.workerId, "failed", { errorCode, transientFailure: true });
        return;
      }
      const jittered = backoffDelay(item.transient_failures, { attempts: o.maxTries, ...o.backoff });
      // API Particulier's retry_in is a floor, within our own ceiling.
      const delay = Math.max(jittered, Math.min(outcome.retryInMs ?? 0, o.backoff.maxDelayMs));
      await releaseItem(db, item.id, o.workerId, delay, { transientFailure: true, errorCode });
      return;
    }
    case "unauthorized": {
      const reason = "token_unauthorized";
      await stopCommuneCampaigns(db, item.collectivity_id, item.campaign_id, reason, outcome.status, outcome.code);
      // The request never reached the provider: the item stays open for a retry pass.
      await releaseItem(db, item.id, o.workerId, 0, { errorCode: String(outcome.status) });
      return;
    }
  }
}

type FinishedCampaign = {
  id: string;
  collectivity_id: string;
  counts: Record<string, number>;
  annee: number;
  mois: number;
  trigger: "cron" | "agent";
  total_count: number;
  finished_at: string | Date;
};

/**
 * Running campaigns without open items become done, with their final counts; the
 * campagne.terminee events are written in the same transaction (outbox).
 */
async function finishCompletedCampaigns(db: Database): Promise<number> {
  const done = await db.transaction(async (t) => {
    const finished = await queryRows<FinishedCampaign>(
      t,
      sql`update qf_campaigns c
        set status = 'done', finished_at = now(), updated_at = now(),
            counts = (select coalesce(jsonb_object_agg(status, n), '{}'::jsonb)
                      from (select status, count(*)::int as n from qf_campaign_items
                            where campaign_id = c.id group by status) s)
        where c.status = 'running'
          and not exists (select 1 from qf_campaign_items i
                          where i.campaign_id = c.id and i.status in ('pending', 'in_progress'))
        returning c.id, c.collectivity_id, c.counts, c.annee, c.mois, c.trigger, c.total_count, c.finished_at`,
    );
    for (const campaign of finished) {
      const counts = typeof campaign.counts === "string" ? JSON.parse(campaign.counts) : campaign.counts;
      await emitWebhookEvent(t, campaign.collectivity_id, {
        type: "campagne.terminee",
        data: {
          campagne_id: campaign.id,
          annee: campaign.annee,
          mois: campaign.mois,
          declenchement: campaign.trigger === "cron" ? "planifie" : "agent",
          termine_le: new Date(campaign.finished_at).toISOString(),
          statut: "terminee",
          motif_arret: null,
          total: campaign.total_count,
          resultats: campaignResults(counts as Record<string, number>),
        },
      });
    }
    return finished;
  });
  for (const campaign of done) {
    await recordAudit(db, {
      actor: null,
      collectivityId: campaign.collectivity_id,
      action: "qf_campaign.finished",
      targetType: "qf_campaign",
      targetId: campaign.id,
      details: { counts: campaign.counts },
    });
  }
  return done.length;
}

/** Milliseconds until the next open item of a running campaign is due; null when there is none. */
async function msUntilNextDueItem(db: Database): Promise<number | null> {
  const [row] = await queryRows<{ ms: number | null }>(
    db,
    sql`select (extract(epoch from min(greatest(i.next_attempt_at, coalesce(i.lease_until, '-infinity')))
                                   - clock_timestamp()) * 1000)::float8 as ms
        from qf_campaign_items i join qf_campaigns c on c.id = i.campaign_id
        where c.status = 'running' and i.status in ('pending', 'in_progress')`,
  );
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, Number(row.ms));
}
