import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import type { CampaignStatus } from "../../../db/schema/index.ts";
import { deliveryErrorCodeSql } from "./delivery-errors.server";
import { lastDays, type Bucket } from "./periods";
import { MAX_POLL_INTERVAL_SECONDS } from "../hubee-reception/inbox-schedule.server";

/**
 * The platform operator's dashboard: health of the service across communes. Everything is an
 * aggregate or a technical identifier (commune, error code): no column that holds personal data
 * (families, payloads, raw error messages) is ever selected here, nor shipment references (a
 * family holds its own: they are indirect identifiers).
 */

export const DAYS_SHOWN = 30;
/** Bounded lists: the page stays light however bad a day is. */
export const MAX_LISTED = 50;
const MAX_ERROR_CODES = 20;

/** Failed and retrying shipments of one commune with one error code: counts only. */
export interface ProblemGroup {
  communeName: string;
  communeSiret: string;
  errorCode: string;
  /** Given up. */
  failed: number;
  /** Pending after a failed attempt. */
  retrying: number;
  /** The most attempts one of them took. */
  maxAttempts: number;
  /** The next retry among the retrying ones. */
  nextAttemptAt: Date | null;
  /** The most recent one (created, or given up). */
  lastAt: Date;
}

/** Where API Particulier calls come from. Citizens' own retrievals are not stored anywhere. */
export type ApiParticulierSource = "campaigns" | "lookups";

/**
 * One source's calls over the period. Campaigns: from their items' counters. Manual lookups: from
 * their qf_lookup.performed audit entries (one call each at most).
 */
export interface ApiParticulierSourceStats {
  source: ApiParticulierSource;
  /** Calls that reached API Particulier (a lookup stopped by a limit before calling is not one). */
  calls: number;
  /** Technical errors: rateLimited + transient + unauthorized + invalidResponse. */
  errors: number;
  rateLimited: number;
  /** 502, 503, 504, timeouts, unreachable. */
  transient: number;
  /** The commune's token refused (401, 403). */
  unauthorized: number;
  invalidResponse: number;
  /** Answers about the person, not errors of the service: QF not found (404), identity refused (422). */
  notFound: number;
  rejected: number;
}

export interface PlatformStatistics {
  since: Date;
  communes: { active: number; inactive: number; withEditor: number; transmittingRecently: number };
  transmissionsPerDay: Array<Bucket & { total: number; delivered: number; pending: number; failed: number }>;
  deliveryProblems: {
    failed: number;
    retrying: number;
    byErrorCode: Array<{ code: string; failed: number; retrying: number }>;
    byCommune: ProblemGroup[];
  };
  hubee: {
    /** Sending (our OSL credentials), over the shipments created in the period. */
    sending: { shipments: number; attempts: number; failedAttempts: number; failedShipments: number };
    /** Receiving (communes' SI credentials): each commune's last inbox run. */
    inboxes: {
      polled: number;
      failing: number;
      failingCommunes: Array<{ name: string; since: Date | null }>;
      /**
       * The adaptive sweep's freshness (ADR 032), over the communes with SI credentials: minutes since
       * the least recently read inbox was read (null when none has been), and inboxes more than two
       * minutes past their planned read (the workers are not keeping up).
       */
      stalestMinutes: number | null;
      overdue: number;
      /** What `stalestMinutes` should stay under: the longest interval between two scheduled reads. */
      boundMinutes: number;
    };
    /** Cases received in the period, and those that could not be integrated (SI_INTG_ERROR). */
    receivedCases: number;
    integrationErrors: number;
  };
  apiParticulier: {
    calls: number;
    rateLimited: number;
    transientFailures: number;
    finishedItems: number;
    failedItems: number;
    byErrorCode: Array<{ code: string; items: number }>;
    tokenAlerts: number;
    /**
     * The token pacer's defects, from its shared rows (every caller: campaigns, lookups, connection
     * tests), counted since each token was first used rather than over the period.
     */
    pacer: { rateLimited: number; tokensRateLimited: number; lastRateLimitedAt: Date | null; pausedTokens: number };
    /** Campaigns and manual lookups side by side. */
    bySource: ApiParticulierSourceStats[];
  };
  campaignsInProgress: Array<{
    id: string;
    communeName: string;
    annee: number;
    mois: number;
    status: CampaignStatus;
    totalCount: number;
    done: number;
    startedAt: Date | null;
  }>;
}

const n = (value: unknown) => Number(value ?? 0);

function sourceStats(
  source: ApiParticulierSource,
  counts: Omit<ApiParticulierSourceStats, "source" | "errors">,
): ApiParticulierSourceStats {
  const errors = counts.rateLimited + counts.transient + counts.unauthorized + counts.invalidResponse;
  return { source, errors, ...counts };
}
const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));

export async function loadPlatformStatistics(db: Database, now = new Date()): Promise<PlatformStatistics> {
  const { buckets, since } = lastDays(now, DAYS_SHOWN);
  const sinceSql = sql`${since.toISOString()}::timestamptz`;
  // The period's first Paris day: `since` is its midnight, so a day's counters are in or out whole.
  const sinceDay = sql`${buckets[0]!.key}::date`;

  // The period's figures come from daily counters kept by triggers (ADR 035: 30 days of a few rows
  // each, whatever the platform's size), the lists from the rows of a problem only: never the
  // period's rows themselves, which a national yearly campaign counts in millions (issue 20).
  const [communes] = await queryRows<Record<string, number>>(
    db,
    sql`select count(*) filter (where c.status = 'active')::int as active,
               count(*) filter (where c.status = 'inactive')::int as inactive,
               count(*) filter (where c.editor is not null)::int as with_editor,
               (select count(*) from platform_commune_last_shipments l
                where l.last_created_at >= ${sinceSql})::int as transmitting
        from collectivities c`,
  );

  const perDay = await queryRows<{ day: string; total: number; delivered: number; pending: number; failed: number }>(
    db,
    sql`select to_char(d.day, 'YYYY-MM-DD') as day,
               sum(d.shipments)::int as total,
               coalesce(sum(d.shipments) filter (where d.status = 'delivered'), 0)::int as delivered,
               coalesce(sum(d.shipments) filter (where d.status = 'pending'), 0)::int as pending,
               coalesce(sum(d.shipments) filter (where d.status = 'failed'), 0)::int as failed
        from platform_daily_shipments d where d.day >= ${sinceDay}
        group by d.day`,
  );
  const days = new Map(perDay.map((row) => [row.day, row]));

  // Failed for good, or pending after a failed attempt (retrying): the whole outbox, not only the period.
  // Both counts read shipments_problems_idx alone (its predicate is this filter, its key every column
  // read), already coded by the database (shipments.error_code): bounded by the problems, not the outbox.
  const problemFilter = sql`(s.status = 'failed' or (s.status = 'pending' and s.last_error is not null))`;
  const byCode = await queryRows<{ code: string; failed: number; retrying: number }>(
    db,
    sql`select ${deliveryErrorCodeSql} as code,
               count(*) filter (where s.status = 'failed')::int as failed,
               count(*) filter (where s.status = 'pending')::int as retrying
        from shipments s where ${problemFilter}
        group by s.error_code order by count(*) desc, 1 limit ${MAX_ERROR_CODES}`,
  );
  const problems = await queryRows<Record<string, unknown>>(
    db,
    sql`with per_commune as (
          select s.collectivity_id, ${deliveryErrorCodeSql} as code,
                 count(*) filter (where s.status = 'failed')::int as failed,
                 count(*) filter (where s.status = 'pending')::int as retrying,
                 max(s.attempts)::int as max_attempts,
                 min(s.next_attempt_at) filter (where s.status = 'pending') as next_attempt_at,
                 max(coalesce(s.failed_at, s.created_at)) as last_at
          from shipments s where ${problemFilter}
          group by s.collectivity_id, s.error_code)
        select c.name as commune_name, c.siret as commune_siret, p.code, p.failed, p.retrying, p.max_attempts,
               p.next_attempt_at, p.last_at
        from per_commune p join collectivities c on c.id = p.collectivity_id
        order by p.last_at desc, c.name, p.code
        limit ${MAX_LISTED}`,
  );

  const [sending] = await queryRows<Record<string, number>>(
    db,
    // The last attempt of a delivered shipment succeeded and every other one failed; an attempt
    // under way right now (lease held) has no outcome yet: those are read from the pending
    // shipments only (shipments_due_idx), a handful.
    sql`select coalesce(sum(d.shipments), 0)::int as shipments,
               coalesce(sum(d.attempts), 0)::int as attempts,
               (coalesce(sum(d.attempts), 0)
                 - coalesce(sum(d.shipments) filter (where d.status = 'delivered'), 0)
                 - (select count(*) from shipments s
                    where s.status = 'pending' and s.locked_until > now() and s.created_at >= ${sinceSql}))::int
                 as failed_attempts,
               coalesce(sum(d.shipments) filter (where d.status = 'failed'), 0)::int as failed_shipments
        from platform_daily_shipments d where d.day >= ${sinceDay}`,
  );

  const [inboxes] = await queryRows<Record<string, number>>(
    db,
    sql`select count(*) filter (where p.last_finished_at is not null or p.last_error is not null)::int as polled,
               count(*) filter (where p.last_error is not null)::int as failing
        from hubee_inbox_polls p`,
  );
  const [freshness] = await queryRows<{ stalest_seconds: number | null; overdue: number }>(
    db,
    sql`select extract(epoch from now() - min(p.last_finished_at))::float8 as stalest_seconds,
               count(*) filter (where p.next_poll_at < now() - interval '2 minutes')::int as overdue
        from hubee_inbox_polls p join collectivity_settings s on s.collectivity_id = p.collectivity_id
        where s.hubee_si_client_id is not null and s.hubee_si_secret_encrypted is not null`,
  );
  const failingCommunes = await queryRows<{ name: string; since: string | null }>(
    db,
    sql`select c.name, coalesce(p.last_finished_at, p.last_started_at) as since
        from hubee_inbox_polls p join collectivities c on c.id = p.collectivity_id
        where p.last_error is not null order by c.name limit ${MAX_LISTED}`,
  );
  const [cases] = await queryRows<Record<string, number>>(
    db,
    sql`select coalesce(sum(r.cases), 0)::int as received,
               coalesce(sum(r.cases) filter (where r.hubee_status = 'SI_INTG_ERROR'), 0)::int as integration_errors
        from platform_daily_received_cases r where r.day >= ${sinceDay}`,
  );

  // Campaign items by the day of their last call (platform_daily_campaign_calls), with their counters.
  const [api] = await queryRows<Record<string, number>>(
    db,
    sql`select coalesce(sum(i.attempts), 0)::int as calls,
               coalesce(sum(i.rate_limited), 0)::int as rate_limited,
               coalesce(sum(i.transient_failures), 0)::int as transient_failures,
               coalesce(sum(i.items) filter (where i.status not in ('pending', 'in_progress')), 0)::int as finished,
               coalesce(sum(i.items) filter (where i.status = 'failed'), 0)::int as failed
        from platform_daily_campaign_calls i where i.day >= ${sinceDay}`,
  );
  const apiCodes = await queryRows<{ code: string; items: number }>(
    db,
    sql`select i.error_code as code, sum(i.items)::int as items
        from platform_daily_campaign_calls i
        where i.day >= ${sinceDay} and i.error_code <> ''
        group by 1 having sum(i.items) > 0 order by 2 desc, 1 limit ${MAX_ERROR_CODES}`,
  );
  const [campaignSource] = await queryRows<Record<string, number>>(
    db,
    sql`select coalesce(sum(i.items) filter (where i.error_code in ('401', '403')), 0)::int as unauthorized,
               coalesce(sum(i.items) filter (where i.error_code like 'invalid\_response\_%'), 0)::int as invalid_response,
               coalesce(sum(i.items) filter (where i.status = 'not_found'), 0)::int as not_found,
               coalesce(sum(i.called_items) filter (where i.status = 'rejected'), 0)::int as rejected
        from platform_daily_campaign_calls i where i.day >= ${sinceDay}`,
  );
  // Manual lookups (qf_lookup.performed journal entries) by day, outcome and whether API Particulier
  // was called (platform_daily_lookups): the trail itself is never read.
  const [lookupSource] = await queryRows<Record<string, number>>(
    db,
    sql`select coalesce(sum(l.lookups) filter (where l.called), 0)::int as calls,
               coalesce(sum(l.lookups) filter (where l.called and l.outcome = 'token_rate_limited'), 0)::int
                 as rate_limited,
               coalesce(sum(l.lookups) filter (where l.outcome = 'provider_unavailable'), 0)::int as transient,
               coalesce(sum(l.lookups) filter (where l.outcome = 'unauthorized'), 0)::int as unauthorized,
               coalesce(sum(l.lookups) filter (where l.outcome = 'invalid_response'), 0)::int as invalid_response,
               coalesce(sum(l.lookups) filter (where l.outcome = 'not_found'), 0)::int as not_found,
               coalesce(sum(l.lookups) filter (where l.outcome = 'invalid_request'), 0)::int as rejected
        from platform_daily_lookups l where l.day >= ${sinceDay}`,
  );
  const [pacer] = await queryRows<Record<string, unknown>>(
    db,
    sql`select coalesce(sum(r.rate_limited_total), 0)::int as rate_limited,
               count(*) filter (where r.rate_limited_total > 0)::int as tokens_rate_limited,
               max(r.last_rate_limited_at) as last_rate_limited_at,
               count(*) filter (where r.paused_until > clock_timestamp())::int as paused_tokens
        from api_particulier_rate_limits r`,
  );
  const [alerts] = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from qf_campaign_alerts a where a.created_at >= ${sinceSql}`,
  );

  const running = await queryRows<Record<string, unknown>>(
    db,
    sql`select q.id, c.name as commune_name, q.annee, q.mois, q.status, q.total_count, q.started_at,
               (select count(*) from qf_campaign_items i
                 where i.campaign_id = q.id and i.status not in ('pending', 'in_progress'))::int as done
        from qf_campaigns q join collectivities c on c.id = q.collectivity_id
        where q.status in ('pending', 'running', 'paused')
        order by q.created_at, q.id limit ${MAX_LISTED}`,
  );

  return {
    since,
    communes: {
      active: n(communes?.active),
      inactive: n(communes?.inactive),
      withEditor: n(communes?.with_editor),
      transmittingRecently: n(communes?.transmitting),
    },
    transmissionsPerDay: buckets.map((bucket) => {
      const row = days.get(bucket.key);
      return {
        ...bucket,
        total: n(row?.total),
        delivered: n(row?.delivered),
        pending: n(row?.pending),
        failed: n(row?.failed),
      };
    }),
    deliveryProblems: {
      failed: byCode.reduce((sum, row) => sum + n(row.failed), 0),
      retrying: byCode.reduce((sum, row) => sum + n(row.retrying), 0),
      byErrorCode: byCode.map((row) => ({ code: row.code, failed: n(row.failed), retrying: n(row.retrying) })),
      byCommune: problems.map((row) => ({
        communeName: String(row.commune_name),
        communeSiret: String(row.commune_siret),
        errorCode: String(row.code),
        failed: n(row.failed),
        retrying: n(row.retrying),
        maxAttempts: n(row.max_attempts),
        nextAttemptAt: date(row.next_attempt_at),
        lastAt: date(row.last_at)!,
      })),
    },
    hubee: {
      sending: {
        shipments: n(sending?.shipments),
        attempts: n(sending?.attempts),
        failedAttempts: Math.max(0, n(sending?.failed_attempts)),
        failedShipments: n(sending?.failed_shipments),
      },
      inboxes: {
        polled: n(inboxes?.polled),
        failing: n(inboxes?.failing),
        failingCommunes: failingCommunes.map((row) => ({ name: row.name, since: date(row.since) })),
        stalestMinutes: freshness?.stalest_seconds == null ? null : Math.floor(Number(freshness.stalest_seconds) / 60),
        overdue: n(freshness?.overdue),
        boundMinutes: MAX_POLL_INTERVAL_SECONDS / 60,
      },
      receivedCases: n(cases?.received),
      integrationErrors: n(cases?.integration_errors),
    },
    apiParticulier: {
      calls: n(api?.calls),
      rateLimited: n(api?.rate_limited),
      transientFailures: n(api?.transient_failures),
      finishedItems: n(api?.finished),
      failedItems: n(api?.failed),
      byErrorCode: apiCodes.map((row) => ({ code: row.code, items: n(row.items) })),
      tokenAlerts: n(alerts?.count),
      pacer: {
        rateLimited: n(pacer?.rate_limited),
        tokensRateLimited: n(pacer?.tokens_rate_limited),
        lastRateLimitedAt: date(pacer?.last_rate_limited_at),
        pausedTokens: n(pacer?.paused_tokens),
      },
      bySource: [
        sourceStats("campaigns", {
          calls: n(api?.calls),
          rateLimited: n(api?.rate_limited),
          transient: n(api?.transient_failures),
          unauthorized: n(campaignSource?.unauthorized),
          invalidResponse: n(campaignSource?.invalid_response),
          notFound: n(campaignSource?.not_found),
          rejected: n(campaignSource?.rejected),
        }),
        sourceStats("lookups", {
          calls: n(lookupSource?.calls),
          rateLimited: n(lookupSource?.rate_limited),
          transient: n(lookupSource?.transient),
          unauthorized: n(lookupSource?.unauthorized),
          invalidResponse: n(lookupSource?.invalid_response),
          notFound: n(lookupSource?.not_found),
          rejected: n(lookupSource?.rejected),
        }),
      ],
    },
    campaignsInProgress: running.map((row) => ({
      id: String(row.id),
      communeName: String(row.commune_name),
      annee: n(row.annee),
      mois: n(row.mois),
      status: row.status as CampaignStatus,
      totalCount: n(row.total_count),
      done: n(row.done),
      startedAt: date(row.started_at),
    })),
  };
}
