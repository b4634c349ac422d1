import { sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../../db/client.ts";
import { retryOnDeadlock } from "../../../db/deadlock-retry.ts";
import { type FinalItemStatus } from "../../../db/schema/index.ts";
import { type PivotIdentity } from "~/domain/pivot-identity";
import { backoffDelay } from "~/integrations/http.server";
import type { QuotientFamilialOutcome } from "~/integrations/api-particulier/client.server";
import { activeEndpointListensSql, emitWebhookEvent } from "~/webhooks/outbox.server";
import { campaignResults } from "~/webhooks/payloads";
import { recordAudit } from "../../audit/audit.server";
import { stopCommuneCampaigns } from "./campaigns.server";
import type { CampaignWorkerOptions } from "./worker.server";

/**
 * The campaign items in the database, for the worker: claiming, leasing, recording outcomes
 * and closing finished campaigns. Each statement checks the lease it relies on (see the worker).
 */

// A type, not an interface: queryRows wants an index-compatible row type.
export type ClaimedItem = {
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
/** Pivot identity from the family file; null when a required part is missing. */
export function pivotIdentityOf(item: ClaimedItem): PivotIdentity | null {
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

export interface ClaimOptions {
  /** Items leased at most by this claim. */
  limit: number;
  leaseMs: number;
  /** Items taken at most per campaign in one claim (round-robin: every due campaign gets a few). */
  perCampaign: number;
  /** Communes whose token already has enough items in this worker: their campaigns are skipped. */
  skipCollectivityIds?: string[];
}

/**
 * Leases due items of running campaigns, a few per campaign, the least recently served campaigns
 * first (ADR 028). Due items are pending ones nobody holds and in_progress ones whose worker died
 * (lease expired: their call may have happened).
 *
 * The work is bounded whatever the size of the queue: only running campaigns due now are read,
 * in round-robin order through a partial index, at most `ceil(limit / perCampaign)` of them, and
 * each gives its first due items through the partial index of open items. Campaigns are locked
 * (SKIP LOCKED) for the claim, so concurrent workers serve different campaigns, and each claimed
 * campaign's `due_at` is recomputed: the next time anything of it may be due (a claimed item's
 * `next_attempt_at` becomes its lease's end, when it is due again if its worker died).
 *
 * Taking back items whose worker died (in_progress to pending) moves them between the platform's
 * call counters, whose rows the trigger locks item by item (ADR 035): two workers taking back
 * items side by side can deadlock. The claim is one statement, so running it again is safe.
 */
export async function claimItems(db: Database, workerId: string, options: ClaimOptions): Promise<ClaimedItem[]> {
  const { limit, leaseMs, perCampaign } = options;
  const campaigns = Math.max(1, Math.ceil(limit / perCampaign));
  const skip = `{${(options.skipCollectivityIds ?? []).join(",")}}`;
  const lease = sql`clock_timestamp() + make_interval(secs => ${leaseMs / 1000}::float8)`;
  const claim = () =>
    queryRows<ClaimedItem>(
      db,
      sql`with camps as (
          select c.id from qf_campaigns c
          where c.status = 'running' and c.due_at <= clock_timestamp()
            and not (c.collectivity_id = any(${skip}::uuid[]))
          order by c.last_served_at asc nulls first
          limit ${campaigns}
          for update of c skip locked),
        picked as (
          select p.id from camps cross join lateral (
            select i.id from qf_campaign_items i
            where i.campaign_id = camps.id and i.status in ('pending', 'in_progress')
              -- now() (the claim's start), not clock_timestamp(): a stable bound is an index condition,
              -- so items not yet due are never read.
              and i.next_attempt_at <= now()
              and (i.lease_until is null or i.lease_until < clock_timestamp())
            order by i.next_attempt_at
            limit ${perCampaign}
            for update of i skip locked) p
          limit ${limit}),
        claimed as (
          update qf_campaign_items i
          set status = 'pending', leased_by = ${workerId}, lease_until = ${lease}, next_attempt_at = ${lease}
          from picked where i.id = picked.id
          returning i.id, i.campaign_id, i.family_id, i.old_value, i.attempts, i.transient_failures, i.rate_limited_count),
        served as (
          update qf_campaigns c
          set last_served_at = clock_timestamp(),
              due_at = least(${lease},
                             coalesce((select min(i.next_attempt_at) from qf_campaign_items i
                                       where i.campaign_id = c.id and i.status in ('pending', 'in_progress')
                                         and i.id not in (select id from picked)), 'infinity'))
          from camps where c.id = camps.id)
        select cl.id, cl.campaign_id, cl.family_id, c.collectivity_id, co.siret, c.annee, c.mois, cl.old_value, cl.attempts,
               cl.transient_failures, cl.rate_limited_count, f.family_name, f.given_names, f.gender, f.birthdate,
               f.birthplace, f.birthcountry, f.birthplace_name, f.birth_departement
        from claimed cl
        join qf_campaigns c on c.id = cl.campaign_id
        join collectivities co on co.id = c.collectivity_id
        join families f on f.id = cl.family_id`,
    );
  return retryOnDeadlock(claim);
}

/**
 * The commune's token is paused (a 429's Retry-After, seen by any process): its running campaigns
 * are not claimed before the pause ends, so a paused token costs no claim, no slot and no release.
 */
export async function holdCommuneCampaigns(db: Database, collectivityId: string, ms: number) {
  await db.execute(
    sql`update qf_campaigns
        set due_at = greatest(due_at, clock_timestamp() + make_interval(secs => ${ms / 1000}::float8))
        where collectivity_id = ${collectivityId}::uuid and status = 'running'`,
  );
}

/** The point after which a call may have happened. False: lease lost or campaign no longer running. */
export async function markInProgress(db: Database, itemId: string, workerId: string, callLeaseMs: number) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update qf_campaign_items i
        set status = 'in_progress', attempts = attempts + 1, last_call_at = clock_timestamp(),
            lease_until = clock_timestamp() + make_interval(secs => ${callLeaseMs / 1000}::float8),
            -- Due again (for another worker) only once this lease has run out; never earlier than the
            -- claim made it, which its campaign's due_at already accounts for.
            next_attempt_at = greatest(next_attempt_at,
                                       clock_timestamp() + make_interval(secs => ${callLeaseMs / 1000}::float8))
        where i.id = ${itemId}::uuid and i.leased_by = ${workerId} and i.status = 'pending'
          and i.lease_until > clock_timestamp()
          and exists (select 1 from qf_campaigns c where c.id = i.campaign_id and c.status = 'running')
        returning i.id`,
  );
  return rows.length === 1;
}

/** Back to pending without a result (429, stopped campaign), due at `delayMs` from now. */
export async function releaseItem(
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
  // The campaign's due_at is a lower bound of its items' next attempts: lowered in the same
  // statement, so a concurrent claim of the campaign (which holds its row) cannot overwrite it.
  await db.execute(
    sql`with released as (
          update qf_campaign_items
          set status = 'pending', lease_until = null, leased_by = null,
              next_attempt_at = clock_timestamp() + make_interval(secs => ${delayMs / 1000}::float8),
              transient_failures = transient_failures + ${extra.transientFailure ? 1 : 0},
              rate_limited_count = rate_limited_count + ${extra.rateLimited ? 1 : 0},
              attempts = attempts - ${extra.attemptNotMade ? 1 : 0},
              error_code = coalesce(${extra.errorCode ?? null}, error_code)
          where id = ${itemId}::uuid and leased_by = ${workerId}
          returning campaign_id, next_attempt_at)
        update qf_campaigns c set due_at = least(c.due_at, released.next_attempt_at)
        from released where c.id = released.campaign_id`,
  );
}

export async function finishItem(
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

type RecordedQf = { valeur: number; annee: number; mois: number; fournisseur: "CNAF" | "MSA" };

/**
 * Records a QF answer in one statement: the item's result (only while this worker holds its
 * lease), the family's history, and its current QF (only forward in time: an older period never
 * replaces a newer one). With "unlessSubscribed", nothing is written when the QF changed and the
 * commune has an active qf.mis_a_jour endpoint: the caller then records it again inside a
 * transaction with its event (outbox).
 */
async function recordQf(
  db: DbExecutor,
  item: ClaimedItem,
  workerId: string,
  status: FinalItemStatus,
  qf: RecordedQf,
  unlessSubscribed: boolean,
): Promise<{ subscribed: boolean; finished: boolean; moved: boolean }> {
  const checkSubscription = unlessSubscribed && status === "updated";
  const [row] = await queryRows<{ subscribed: boolean; finished: boolean; moved: boolean }>(
    db,
    sql`with subscribed as (
          select ${checkSubscription} and ${activeEndpointListensSql(sql`${item.collectivity_id}::uuid`, "qf.mis_a_jour")} as yes),
        finished as (
          update qf_campaign_items
          set status = ${status}, lease_until = null, leased_by = null, finished_at = clock_timestamp(),
              new_value = ${qf.valeur}, provider = ${qf.fournisseur}, error_code = null
          where id = ${item.id}::uuid and leased_by = ${workerId} and not (select yes from subscribed)
          returning id),
        history as (
          insert into qf_history (family_id, value, annee, mois, provider, source)
          select ${item.family_id}::uuid, ${qf.valeur}, ${qf.annee}, ${qf.mois}, ${qf.fournisseur}, 'yearly_update'
          where exists (select 1 from finished)),
        moved as (
          update families
          set qf_value = ${qf.valeur}, qf_annee = ${qf.annee}, qf_mois = ${qf.mois},
              qf_provider = ${qf.fournisseur}, qf_updated_at = now(), updated_at = now()
          where id = ${item.family_id}::uuid and exists (select 1 from finished)
            and (qf_annee is null or qf_annee * 12 + coalesce(qf_mois, 1) <= ${qf.annee * 12 + qf.mois})
          returning id)
        select (select yes from subscribed) as subscribed, exists (select 1 from finished) as finished,
               exists (select 1 from moved) as moved`,
  );
  return { subscribed: row?.subscribed === true, finished: row?.finished === true, moved: row?.moved === true };
}

export async function applyOutcome(
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
      // The common case in one statement (a round trip instead of six), unless the commune's
      // systems must hear of a change (qf.mis_a_jour): then the same statement runs again in a
      // transaction with its event (outbox). A national January run spends its CPU on these
      // round trips (issue 20).
      const direct = await recordQf(db, item, o.workerId, status, qf, true);
      if (!direct.subscribed) {
        // Lease lost meanwhile (should not happen: the call lease outlives the client timeout).
        if (!direct.finished) throw new LeaseLostError();
        return;
      }
      await db.transaction(async (t) => {
        const recorded = await recordQf(t, item, o.workerId, status, qf, false);
        if (!recorded.finished) throw new LeaseLostError();
        if (!recorded.moved) return;
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
export async function finishCompletedCampaigns(db: Database): Promise<number> {
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

/**
 * Milliseconds until something of a running campaign may be due; null when no campaign runs. Reads
 * the campaigns' due_at (a lower bound, through a partial index), never the items: an idle worker
 * asks this every second.
 */
export async function msUntilNextDueItem(db: Database): Promise<number | null> {
  const [row] = await queryRows<{ ms: number | null }>(
    db,
    sql`select (extract(epoch from min(c.due_at) - clock_timestamp()) * 1000)::float8 as ms
        from qf_campaigns c where c.status = 'running'`,
  );
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, Number(row.ms));
}
