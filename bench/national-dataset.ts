/**
 * The national dataset of issue 20, built in SQL with generate_series (no row crosses the wire):
 *
 *   - 36,000 communes (5 % inactive, 10 % receiving in an editor's software, 30 % reading their
 *     HubEE inbox with their own SI credentials);
 *   - 3 million family files, one commune of 50,000, the others round-robin, received over 13 months
 *     (in time order, as live tables fill: a period's rows are the last pages, not spread everywhere),
 *     each with its received HubEE case (1 % SI_INTG_ERROR) and its citizen transmission
 *     (shipments: delivered, a few given up, the last two days' still pending or retrying);
 *   - 3.05 million campaign items: every commune's yearly campaign over all its families, called
 *     over the last 25 days (the dashboard's worst day: late January, the whole yearly run inside
 *     its 30-day period), plus running campaigns of 50 communes (the largest one included);
 *   - 10 million journal entries over 13 months, 8 % of them manual QF lookups
 *     (qf_lookup.performed), with one chain head per commune.
 *
 * `scale` (BENCH_SCALE) multiplies every count, for a smoke run. Timestamps are relative to
 * `now`, so the dashboard's 30-day period always holds the same share of the rows.
 *
 * The journal's hash chains are dummy deterministic values (two MD5s per digest, each entry's
 * previous digest being its predecessor by id, not in its chain): nothing here verifies the chains
 * (bench/audit-chains.ts does, on real appends), and hashing 10 million entries in chain order
 * would cost minutes for no figure. Search columns of families are empty (the dashboard never
 * reads them; the name-search index would otherwise dominate the build).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { fmt, now, scaled } from "./lib.ts";

export interface NationalDatasetSizes {
  communes: number;
  families: number;
  largestCommune: number;
  /** Communes with a running campaign (an agent's), the largest one first. */
  runningCampaigns: number;
  journal: number;
}

export function nationalSizes(scale: number): NationalDatasetSizes {
  const communes = scaled(36_000, scale, 10);
  const families = scaled(3_000_000, scale, 1_000);
  return {
    communes,
    families,
    largestCommune: Math.min(scaled(50_000, scale, 100), Math.floor(families / 2)),
    runningCampaigns: Math.min(50, communes),
    journal: scaled(10_000_000, scale, 2_000),
  };
}

type Sql = postgres.Sql;

/** The tables loaded by the million. */
const BULK_TABLES = ["families", "received_cases", "shipments", "qf_campaigns", "qf_campaign_items", "audit_events"];

/**
 * Communes 1..n (siret = n, zero-padded) and the unlogged table bench_commune_no (id ↔ n) the
 * other steps join on. Commune 1 is the largest.
 */
export async function insertCommunes(sql: Sql, communes: number): Promise<void> {
  await sql`
    insert into collectivities (name, siret, code_cog, departement, status, editor)
    select 'Commune ' || n, lpad(n::text, 14, '0'), lpad((n % 99999)::text, 5, '0'),
           lpad((1 + n % 95)::text, 2, '0'),
           case when n % 20 = 7 then 'inactive' else 'active' end,
           case when n % 10 = 3 then 'Éditeur ' || (n % 4) end
    from generate_series(1, ${communes}::int) n`;
  await sql`create unlogged table bench_commune_no as
    select id, siret::bigint as n from collectivities`;
  await sql`create unique index on bench_commune_no (n) include (id)`;
  await sql`analyze bench_commune_no`;
}

/**
 * Families 1..total: the largest commune (n = 1) holds the first `largest`, the others are dealt
 * round-robin. Received over the 13 months before `at`. Triggers are off (see withBulkSession):
 * the per-commune status counters are backfilled in one statement.
 */
export async function insertFamilies(
  sql: Sql,
  options: { total: number; largest: number; communes: number; status?: string; at: Date },
): Promise<void> {
  await sql`
    insert into families (collectivity_id, identity_key, family_name, given_names, gender, birthdate,
                          birthplace, birthcountry, search_text, status, received_at, created_at, updated_at)
    select c.ids[case when k <= ${options.largest} then 1 else 2 + (k % greatest(${options.communes} - 1, 1)) end],
           md5(k::text) || md5((k + 1)::text), 'NOM' || k, 'Prénom', 'female', '1980-01-01',
           '75107', '99100', '', ${options.status ?? "done"}, t.at, t.at, t.at
    from (select array_agg(id order by n) as ids from bench_commune_no) c
    cross join generate_series(1, ${options.total}::int) k
    -- In time order, as a live table fills: the period's rows are the table's last pages.
    cross join lateral (select ${options.at}::timestamptz - interval '395 days' * (1 - k::float8 / ${options.total})
                               - random() * interval '1 hour' as at) t`;
  await sql`
    insert into family_status_counts (collectivity_id, status, count)
    select collectivity_id, status, count(*)::int from families group by 1, 2`;
}

/**
 * Bulk loading: no foreign-key checks nor row triggers (session_replication_role, superuser, as
 * the benchmarks' server is), commits without waiting for the WAL flush.
 */
async function bulkSession<T>(url: string, run: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`set session_replication_role = replica`;
    await sql`set synchronous_commit = off`;
    await sql`set maintenance_work_mem = '256MB'`;
    await sql`select setseed(0.42)`;
    return await run(sql);
  } finally {
    await sql.end();
  }
}

export { bulkSession as withBulkSession };

export interface NationalDatasetReport {
  sizes: NationalDatasetSizes;
  counts: Record<string, number>;
  /** Seconds per step, then in total. */
  steps: { step: string; seconds: number }[];
  seconds: number;
}

/** Builds the national dataset (scaled) in an empty, migrated database. */
export async function buildNationalDataset(
  url: string,
  options: { scale: number; at?: Date; log?: (line: string) => void },
): Promise<NationalDatasetReport> {
  const sizes = nationalSizes(options.scale);
  const at = options.at ?? new Date();
  const log = options.log ?? (() => {});
  const steps: { step: string; seconds: number }[] = [];
  const started = now();
  const step = async (name: string, run: () => Promise<unknown>) => {
    const t0 = now();
    await run();
    const seconds = (now() - t0) / 1000;
    steps.push({ step: name, seconds });
    log(`jeu national : ${name} en ${fmt(seconds)} s`);
  };

  const counts = await bulkSession(url, async (sql) => {
    // Secondary indexes are built once at the end rather than grown row by row (several times
    // faster); constraint indexes (primary keys, unique columns) stay.
    const deferred = await sql<{ name: string; definition: string }[]>`
      select i.indexname as name, i.indexdef as definition from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any(${BULK_TABLES})
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
    for (const index of deferred) await sql.unsafe(`drop index "${index.name}"`);

    await step(`${sizes.communes} communes`, async () => {
      await insertCommunes(sql, sizes.communes);
      // 30 % read their HubEE inbox with their own SI credentials (none of the editors' communes).
      await sql`
        insert into collectivity_settings (collectivity_id, hubee_si_client_id, hubee_si_secret_encrypted,
                                           api_particulier_token_encrypted)
        select id, case when n % 10 in (0, 1, 2) then 'si-' || n end,
               case when n % 10 in (0, 1, 2) then 'bench' end, 'bench'
        from bench_commune_no`;
      await sql`
        insert into hubee_inbox_polls (collectivity_id, last_started_at, last_finished_at, last_error,
                                       next_poll_at, poll_interval_seconds)
        select id, ${at}::timestamptz - interval '70 seconds', ${at}::timestamptz - interval '60 seconds',
               case when n % 100 = 0 then 'HubEE injoignable (délai dépassé)' end,
               ${at}::timestamptz + (n % 60) * interval '1 second', 60
        from bench_commune_no where n % 10 in (0, 1, 2)`;
      // One pacer row per commune token that has been used; a few met 429s.
      await sql`
        insert into api_particulier_rate_limits (token_hash, rate_limited_total, last_rate_limited_at)
        select md5(n::text) || md5((-n)::text), case when n % 500 = 0 then 2 else 0 end,
               case when n % 500 = 0 then ${at}::timestamptz - interval '3 days' end
        from bench_commune_no`;
    });

    await step(`${sizes.families} dossiers familles`, () =>
      insertFamilies(sql, {
        total: sizes.families,
        largest: sizes.largestCommune,
        communes: sizes.communes,
        at,
      }),
    );

    // One received HubEE case per family, when the family was received.
    await step("dossiers HubEE reçus", async () => {
      await sql`
        insert into received_cases (collectivity_id, family_id, hubee_case_id, hubee_external_id, hubee_status,
                                    status_reported_at, transmitted_at, received_at, updated_at)
        select f.collectivity_id, f.id, 'bench-' || f.id, 'Formulaire-QF-bench',
               case when random() < 0.01 then 'SI_INTG_ERROR' else 'SI_RECEIVED' end,
               f.received_at, f.received_at - interval '2 minutes', f.received_at, f.received_at
        from families f`;
    });

    // The citizens' transmissions (the outbox): delivered within a minute; a few given up; the
    // last two days' still pending, some of them retrying after a failure.
    await step("transmissions (shipments)", async () => {
      await sql`
        insert into shipments (reference, idempotency_key, collectivity_id, status, attempts, next_attempt_at,
                               last_error, created_at, delivered_at, failed_at)
        select upper(lpad(to_hex(k), 13, '0')), 'bench-' || k, r.collectivity_id, s.status,
               case s.status when 'delivered' then 1 when 'failed' then 5 else 2 end,
               r.at + interval '10 minutes',
               case when s.status = 'failed' or (s.status = 'pending' and k % 2 = 0) then
                 (array['HubEE injoignable (délai dépassé)', 'HubEE a refusé le dossier (HTTP 400)',
                        'Authentification HubEE refusée (HTTP 401)'])[1 + k % 3] end,
               r.at,
               case when s.status = 'delivered' then r.at + interval '30 seconds' end,
               case when s.status = 'failed' then r.at + interval '2 hours' end
        from (select row_number() over () as k, collectivity_id, transmitted_at as at from received_cases) r
        cross join lateral (select case
          when r.at > ${at}::timestamptz - interval '2 days' then
            case when random() < 0.04 then 'pending' when random() < 0.01 then 'failed' else 'delivered' end
          else case when random() < 0.003 then 'failed' else 'delivered' end end as status) s`;
    });

    // Every commune's yearly campaign, done, its calls over the last 25 days; then agents'
    // running campaigns in 50 communes (the largest one's 50,000 families among them).
    await step("campagnes et éléments", async () => {
      await sql`
        insert into qf_campaigns (collectivity_id, annee, mois, scope, status, trigger, total_count,
                                  created_at, started_at, finished_at, due_at)
        select id, 2026, 12, 'all', 'done', 'cron', 0, ${at}::timestamptz - interval '26 days',
               ${at}::timestamptz - interval '25 days', ${at}::timestamptz - interval '2 days',
               ${at}::timestamptz - interval '2 days'
        from bench_commune_no`;
      await sql`
        insert into qf_campaigns (collectivity_id, annee, mois, scope, status, trigger, total_count,
                                  created_at, started_at, due_at)
        select id, 2026, 12, 'all', case when n % 7 = 3 then 'paused' else 'running' end, 'agent', 0,
               ${at}::timestamptz - interval '1 day' + n * interval '1 minute',
               ${at}::timestamptz - interval '1 day' + n * interval '1 minute', ${at}::timestamptz
        from bench_commune_no where n <= ${sizes.runningCampaigns}`;
      await sql`
        insert into qf_campaign_items (campaign_id, family_id, status, attempts, transient_failures,
                                       rate_limited_count, next_attempt_at, error_code, last_call_at, finished_at)
        select q.id, f.id, o.status,
               case when o.status = 'failed' then 3 else 1 end,
               case when o.status = 'failed' and o.code = '503' then 3 else 0 end,
               case when o.status = 'failed' and o.code = '429' then 3 else 0 end,
               o.called_at, o.code, o.called_at, o.called_at
        -- random() in a subquery's select list: drawn per row (an uncorrelated LATERAL would be drawn once).
        from (select id, collectivity_id, random() as p,
                     ${at}::timestamptz - interval '2 days' - random() * interval '23 days' as called_at
              from families) f
        join qf_campaigns q on q.collectivity_id = f.collectivity_id and q.trigger = 'cron'
        cross join lateral (select
          case when f.p < 0.40 then 'updated' when f.p < 0.92 then 'unchanged' when f.p < 0.97 then 'not_found'
               when f.p < 0.98 then 'rejected' else 'failed' end as status,
          case when f.p >= 0.98 then (array['503', '429', '401', 'invalid_response_schema'])[1 + floor((f.p - 0.98) * 200)::int]
               when f.p >= 0.92 and f.p < 0.97 then '404' end as code,
          f.called_at) o`;
      // Running campaigns: 40 % of their items already called today, the rest still pending.
      await sql`
        insert into qf_campaign_items (campaign_id, family_id, status, attempts, next_attempt_at, last_call_at,
                                       finished_at)
        select q.id, o.id, case when o.called then 'unchanged' else 'pending' end,
               case when o.called then 1 else 0 end, ${at}::timestamptz - random() * interval '1 hour',
               case when o.called then ${at}::timestamptz - random() * interval '20 hours' end,
               case when o.called then ${at}::timestamptz end
        from (select id, collectivity_id, random() < 0.4 as called from families) o
        join qf_campaigns q on q.collectivity_id = o.collectivity_id and q.trigger = 'agent'`;
      await sql`
        update qf_campaigns q set total_count = c.total
        from (select campaign_id, count(*)::int as total from qf_campaign_items group by 1) c
        where c.campaign_id = q.id`;
      await sql`
        insert into qf_campaign_alerts (collectivity_id, campaign_id, kind, http_status, error_code, created_at)
        select q.collectivity_id, q.id, 'token_unauthorized', 401, '401', ${at}::timestamptz - interval '5 days'
        from qf_campaigns q join bench_commune_no c on c.id = q.collectivity_id
        where q.trigger = 'cron' and c.n % 1000 = 5`;
    });

    // The journal: 10 million entries over 13 months, a commune each (1 % the platform's), 8 % of
    // them manual QF lookups; then each commune's chain head.
    await step(`${sizes.journal} entrées de journal`, async () => {
      await sql`
        insert into audit_events (occurred_at, collectivity_id, action, target_type, target_id, details,
                                  prev_digest, digest)
        select ${at}::timestamptz - interval '395 days' * (1 - k::float8 / ${sizes.journal}),
               case when k % 100 <> 0 then c.ids[1 + k % ${sizes.communes}] end, a.action, a.target_type, 'bench-' || k,
               a.details, md5((k - 1)::text) || md5((1 - k)::text), md5(k::text) || md5((-k)::text)
        from (select array_agg(id order by n) as ids from bench_commune_no) c
        cross join generate_series(1, ${sizes.journal}::int) k
        cross join lateral (select case
          when k % 25 in (1, 2) then 'qf_lookup.performed'
          when k % 25 in (3, 4, 5) then 'family_file.status_changed'
          when k % 25 = 6 then 'agent.signed_in'
          else 'family_file.viewed' end as action) n
        cross join lateral (select n.action,
          case when n.action = 'agent.signed_in' then 'agent' else 'family_file' end as target_type,
          case n.action
            when 'qf_lookup.performed' then jsonb_build_object(
              'outcome', (array['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'not_found', 'invalid_request',
                                'provider_unavailable', 'token_rate_limited', 'unauthorized', 'invalid_response'])[1 + (k / 25) % 12],
              'called', (k / 25) % 12 <> 9)
            when 'family_file.status_changed' then '{"to": "done"}'::jsonb
            else '{"tab": "a_traiter"}'::jsonb end as details) a`;
      await sql`
        insert into audit_chain_heads (chain, last_id, last_digest)
        select coalesce(e.collectivity_id::text, 'platform'), e.id, e.digest
        from (select distinct on (collectivity_id) collectivity_id, id, digest from audit_events
              order by collectivity_id, id desc) e`;
    });

    await step(`${deferred.length} index secondaires`, async () => {
      for (const index of deferred) await sql.unsafe(index.definition);
    });
    // Triggers were off: the platform dashboard's daily counters (ADR 035), when the schema has
    // them, are filled by migration 0014's own backfill statements.
    const [counters] = await sql`select to_regclass('platform_daily_shipments') is not null as present`;
    if (counters?.present) await step("compteurs quotidiens (ADR 035)", () => backfillDailyCounters(sql));
    await step("vacuum analyze", () => sql`vacuum analyze`);
    await sql`drop table bench_commune_no`;

    const [row] = await sql<Record<string, number>[]>`
      select (select count(*) from collectivities)::int as communes,
             (select count(*) from families)::int as families,
             (select count(*) from received_cases)::int as received_cases,
             (select count(*) from shipments)::int as shipments,
             (select count(*) from qf_campaigns)::int as campaigns,
             (select count(*) from qf_campaign_items)::int as campaign_items,
             (select count(*) from audit_events)::int as journal,
             (select count(*) from audit_events where action = 'qf_lookup.performed')::int as lookups`;
    return row!;
  });
  return { sizes, counts, steps, seconds: (now() - started) / 1000 };
}

/** Migration 0014's backfill of the daily counters, run again after a load that bypassed triggers. */
async function backfillDailyCounters(sql: Sql): Promise<void> {
  const file = fileURLToPath(new URL("../db/migrations/0014_platform_daily_counts.sql", import.meta.url));
  const statements = readFileSync(file, "utf8")
    .split("--> statement-breakpoint")
    .map((statement) => statement.trim())
    .filter((statement) => statement.startsWith('INSERT INTO "platform_'));
  if (statements.length === 0)
    throw new Error("0014_platform_daily_counts.sql : remplissage des compteurs introuvable");
  await sql`truncate platform_daily_shipments, platform_commune_last_shipments, platform_daily_received_cases,
                     platform_daily_campaign_calls, platform_daily_lookups`;
  for (const statement of statements) await sql.unsafe(statement);
}
