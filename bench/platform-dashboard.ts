/**
 * The platform dashboard at national scale (issue 20), on PostgreSQL; part of `npm run bench`
 * (`BENCH_ONLY=platform-dashboard`, `BENCH_SCALE=national`):
 *
 *   BENCH_SCALE=national BENCH_ONLY=platform-dashboard npm run bench
 *   BENCH_KEEP=1 …     # keeps bench_platform_dashboard; a later run with BENCH_KEEP=1 reuses it
 *
 * Builds the national dataset (bench/national-dataset.ts), then runs what the page's loader runs
 * after its access check (loadPlatformStatistics, the mail outbox counts, the view), timing every
 * query of it through a recording wrapper around the database (so the real code runs, not a copy
 * of its SQL), and gives each query's EXPLAIN (ANALYZE, BUFFERS). Goal: each query < 50 ms.
 */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { openDatabase, queryRows, type Database } from "../db/client.ts";
import { loadPlatformStatistics } from "../app/portal/dashboards/platform-statistics.server.ts";
import { mailOutboxCounts } from "../app/mail/delivery.server.ts";
import { platformDashboardView } from "../app/routes/portail.administration.tableau-de-bord/platform-dashboard.server.ts";
import { buildNationalDataset, type NationalDatasetReport } from "./national-dataset.ts";
import {
  benchAdminUrl,
  createBenchDatabase,
  fmt,
  now,
  summarize,
  table,
  type BenchResult,
  type ScratchDatabase,
} from "./lib.ts";

export interface PlatformDashboardBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

const GOAL_MS = 50;
const RUNS = 20;
const WARM_UP = 3;

interface Recorded {
  query: SQL;
  ms: number;
}

/** The database as the dashboard sees it, every `execute` timed and kept (the SQL, for EXPLAIN). */
function recording(db: Database, sink: Recorded[]): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "execute") return Reflect.get(target, property, receiver) as unknown;
      return async (query: SQL) => {
        const started = now();
        const result = await target.execute(query);
        sink.push({ query, ms: now() - started });
        return result;
      };
    },
  });
}

/**
 * The page's queries in the order the loader runs them (loadPlatformStatistics, then the mail
 * outbox). Should the code run a different number of them, each is named from its SQL instead.
 */
const QUERY_NAMES = [
  "Communes (actives, éditeur, ayant reçu une transmission)",
  "Transmissions par jour",
  "Problèmes de livraison par code",
  "Problèmes de livraison par commune",
  "Envoi HubEE (transmissions, tentatives)",
  "Boîtes HubEE relevées et en échec",
  "Fraîcheur du relevé",
  "Communes dont le relevé échoue",
  "Dossiers HubEE reçus",
  "Appels des campagnes",
  "Codes d’erreur des campagnes",
  "Campagnes : erreurs par nature",
  "Consultations manuelles (journal)",
  "Régulateur des jetons",
  "Alertes de jeton",
  "Campagnes en cours",
  "File des courriels",
];

/** A short name for a query: its first table and what it selects, from the SQL itself. */
const dialect = new PgDialect();

function label(query: SQL): string {
  const text = dialect.sqlToQuery(query).sql.replace(/\s+/g, " ");
  const from = /\bfrom (\w+)/.exec(text)?.[1] ?? "?";
  const where = /\bwhere (.{0,70})/.exec(text)?.[1]?.replace(/\$\d+/g, "…") ?? "";
  return `${from}${where ? ` — ${where}` : ""}`;
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = postgres(benchAdminUrl(), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length > 0;
  } finally {
    await admin.end();
  }
}

export async function runPlatformDashboardBench(options: PlatformDashboardBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const keep = process.env.BENCH_KEEP === "1";
  const name = `bench_platform_dashboard${process.env.BENCH_DB_SUFFIX ?? ""}`;
  // BENCH_KEEP=1 reuses a dataset a previous BENCH_KEEP=1 run left (minutes saved per iteration).
  const reuse = keep && (await databaseExists(name));
  let scratch: ScratchDatabase | null = null;
  let url: string;
  if (reuse) {
    const parsed = new URL(benchAdminUrl());
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    log(`tableau de bord : jeu de données réutilisé (${name})`);
  } else {
    scratch = await createBenchDatabase("platform_dashboard");
    url = scratch.url;
  }
  const handle = await openDatabase({ databaseUrl: url, maxConnections: 2 });
  try {
    const db = handle.db;
    let dataset: NationalDatasetReport | null = null;
    if (!reuse) dataset = await buildNationalDataset(url, { scale: options.scale, log });
    const [sizes] = await queryRows<Record<string, number>>(
      db,
      sql`select (select count(*) from collectivities)::int as communes,
                 (select count(*) from families)::int as families,
                 (select count(*) from qf_campaign_items)::int as items,
                 (select count(*) from audit_events)::int as journal`,
    );

    // What the loader runs once access is granted.
    const page = async (target: Database) => {
      const stats = await loadPlatformStatistics(target);
      const mail = await mailOutboxCounts(target);
      return { mail, ...platformDashboardView(stats) };
    };
    for (let n = 0; n < WARM_UP; n++) await page(db);

    const perQuery: number[][] = [];
    const queries: SQL[] = [];
    const pages: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const sink: Recorded[] = [];
      const t0 = now();
      await page(recording(db, sink));
      pages.push(now() - t0);
      sink.forEach((recorded, index) => {
        (perQuery[index] ??= []).push(recorded.ms);
        queries[index] ??= recorded.query;
      });
    }

    const plans: string[] = [];
    const rows: (string | number)[][] = [];
    const goals: BenchResult["goals"] = [];
    for (const [index, query] of queries.entries()) {
      const summary = summarize(perQuery[index]!);
      const name = `${index + 1}. ${queries.length === QUERY_NAMES.length ? QUERY_NAMES[index]! : label(query)}`;
      const plan = await queryRows<{ "QUERY PLAN": string }>(
        db,
        sql`explain (analyze, buffers, costs off, timing off) ${query}`,
      );
      const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
      plans.push(`#### ${name}\n\n\`\`\`\n${text}\n\`\`\``);
      rows.push([name.replace(/\|/g, "\\|"), fmt(summary.median, 2), fmt(summary.p95, 2), fmt(summary.max, 2)]);
      goals.push({
        label: `tableau de bord de la plateforme : requête ${name} < ${GOAL_MS} ms (p95 ${fmt(summary.p95, 1)} ms)`,
        ok: summary.p95 < GOAL_MS,
      });
      log(`tableau de bord : ${name} : médiane ${fmt(summary.median, 2)} ms, p95 ${fmt(summary.p95, 2)} ms`);
    }
    const whole = summarize(pages);
    log(`tableau de bord : page entière : médiane ${fmt(whole.median)} ms, p95 ${fmt(whole.p95)} ms`);

    const markdown = [
      `Jeu de données : ${sizes!.communes} communes, ${sizes!.families} dossiers familles, ${sizes!.items} éléments ` +
        `de campagne, ${sizes!.journal} entrées de journal` +
        (dataset
          ? ` ; construit en ${fmt(dataset.seconds)} s (${dataset.steps
              .map((s) => `${s.step} ${fmt(s.seconds)} s`)
              .join(", ")}).`
          : " (réutilisé, BENCH_KEEP=1)."),
      `Ce que le loader exécute après le contrôle d’accès (statistiques, file des courriels, vue), ${RUNS} fois ` +
        `après ${WARM_UP} tours de chauffe ; chaque requête chronométrée dans le code réel. Objectif : < ${GOAL_MS} ms ` +
        `par requête (p95).`,
      "",
      table(["Requête", "Médiane (ms)", "p95 (ms)", "Max (ms)"], rows),
      "",
      `Page entière (loader sans l’authentification) : médiane ${fmt(whole.median)} ms, p95 ${fmt(whole.p95)} ms.`,
      "",
      "<details><summary>Plans (EXPLAIN ANALYZE, BUFFERS)</summary>",
      "",
      ...plans,
      "",
      "</details>",
    ].join("\n");
    return {
      name: "platform-dashboard",
      title: "Tableau de bord de la plateforme à l’échelle nationale",
      markdown,
      goals,
      durationMs: now() - started,
    };
  } finally {
    await handle.close();
    if (!keep) await scratch?.drop();
  }
}
