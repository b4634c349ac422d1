import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type Database, type DatabaseHandle } from "../db/client.ts";
import { createCampaign } from "../app/portal/campaigns/campaigns.server.ts";
import { campaignWorkerBounds } from "../app/portal/campaigns/worker.server.ts";
import { campaignTestKey } from "../tests/helpers/campaign-fixtures.ts";
import {
  countsPerWholeSecond,
  createPacingCommune,
  densestSecond,
  receivedArrivals,
  receivedStats,
  runWorkerProcesses,
  type PacingCommune,
} from "../tests/helpers/pacing.ts";
import { startSimulatorProcess } from "../tests/helpers/simulator-process.ts";
import {
  createBenchDatabase,
  fmt,
  machineCpuMs,
  now,
  prioritize,
  processCpuMs,
  scaled,
  summarize,
  table,
  type BenchResult,
  type ScratchDatabase,
} from "./lib.ts";

/**
 * Issue 20, "national scale": the first working day of January, every commune's yearly campaign
 * starts at once. 2,000 communes of 80 families, each with its own API Particulier token at the
 * real limit (20 req/s per token, simulator in its own process), all campaigns created before the
 * workers start; then 1, 2 and 4 worker processes with production's bounds (campaignWorkerBounds,
 * CAMPAIGN_WORKER_CONCURRENCY = 64). Each worker count gets communes, tokens and identities of its
 * own, so every count is per run. What the API sees is counted at the simulator; the CPU time of the
 * workers, of the database's backends and of the simulator says where the ceiling is.
 */

const LIMIT = 20;
/** BENCH_JANUARY_WORKERS=4 measures one worker count alone (a quicker look at one configuration). */
const WORKER_COUNTS = (process.env.BENCH_JANUARY_WORKERS ?? "1,2,4").split(",").map(Number);
/** Production's default for CAMPAIGN_WORKER_CONCURRENCY (app/config.server.ts). */
const WORKER_CONCURRENCY = 64;
/** Communes prepared side by side: each is a few round trips to PostgreSQL and one to the simulator. */
const SETUP_PARALLELISM = 8;

export interface JanuaryRunBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

interface Run {
  workers: number;
  communes: number;
  families: number;
  arrivals: number;
  durationS: number;
  /** Arrivals of every token ÷ (last arrival − first arrival). */
  rate: number;
  perSecond: ReturnType<typeof summarize>;
  worstDensest: number;
  tooManyRequests: number;
  callsDuringRetryAfter: number;
  banned: number;
  notOnce: number;
  open: number;
  perWorker: string;
  /** Outcomes of the workers' items (ok, not_found, provider_unavailable…), summed over processes. */
  outcomes: string;
  /** Simulator statuses of the identities called more than once (a timeout's repeat shows here). */
  repeatedStatuses: string;
  /** How long the calls took as the workers saw them (ms); `overFiveSeconds` counts the slowest. */
  callMs: ReturnType<typeof summarize> & { overFiveSeconds: number };
  killed: number;
  cpu: { workers: number; database: number; simulator: number; machineBusy: number; machineTotal: number };
  /** Committed transactions in the benchmark's database (pg_stat_database), all processes together. */
  transactions: number;
}

export async function runJanuaryRunBench(options: JanuaryRunBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const communes = scaled(2_000, options.scale, 4);
  const families = scaled(80, options.scale, 5);
  const scratch = await createBenchDatabase("january");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: SETUP_PARALLELISM });
  const sims = await startSimulatorProcess(LIMIT);
  // API Particulier answers from its own machines: its simulator must not wait for the CPU our
  // workers and PostgreSQL leave it, or its answers come late for a reason the real API does not
  // have (at 4 workers on 2 cores, calls took up to 9 s and some ran past the client's timeout).
  const simulatorAhead = prioritize(sims.pid);
  try {
    const runs: Run[] = [];
    for (const [index, workers] of WORKER_COUNTS.entries()) {
      runs.push(
        await runOnce({ handle, scratch, sims, communes, families, workers, firstSeed: index * communes, log }),
      );
    }
    return {
      name: "january",
      title: "Janvier : toutes les campagnes annuelles en même temps",
      markdown: report(runs, simulatorAhead),
      goals: goals(runs),
      durationMs: now() - started,
    };
  } finally {
    await sims.close();
    await handle.close();
    await scratch.drop();
  }
}

/**
 * One worker count: communes, tokens and identities of its own (seeds from `firstSeed`), so the
 * simulator's counts are per run; the campaigns of earlier runs are finished and out of the claim.
 */
async function runOnce(input: {
  handle: DatabaseHandle;
  scratch: ScratchDatabase;
  sims: Awaited<ReturnType<typeof startSimulatorProcess>>;
  communes: number;
  families: number;
  workers: number;
  firstSeed: number;
  log: (line: string) => void;
}) {
  const { handle, scratch, sims } = input;
  const setupStarted = now();
  const prepared = await mapInParallel(input.communes, SETUP_PARALLELISM, async (i) => {
    const commune = await createPacingCommune(handle.db, sims.url, {
      seed: input.firstSeed + i + 1,
      families: input.families,
      firstIndex: 1 + (input.firstSeed + i) * input.families,
      label: "Janvier",
    });
    const campaign = (await createCampaign(handle.db, {
      collectivityId: commune.id,
      familyIds: "all",
      trigger: "agent",
      agentId: null,
    }))!;
    return { commune, campaignId: campaign.id };
  });
  input.log(
    `janvier : ${input.communes} communes × ${input.families} familles prêtes en ${fmt((now() - setupStarted) / 1000)} s, ` +
      `${input.workers} worker(s)`,
  );
  const total = input.communes * input.families;
  const database = startBackendCpuSampler(handle.db);
  const transactions = await committedTransactions(handle.db);
  const simulatorCpu = processCpuMs(sims.pid, { descendants: true });
  const machine = machineCpuMs();
  let results: Awaited<ReturnType<typeof runWorkerProcesses>>;
  try {
    results = await runWorkerProcesses({
      db: handle.db,
      databaseUrl: scratch.url,
      apiParticulierUrl: sims.apiParticulierUrl,
      campaignId: prepared.map((p) => p.campaignId),
      workers: input.workers,
      limitPerSecond: LIMIT,
      encryptionKey: campaignTestKey,
      workerIdPrefix: `janvier-${input.workers}`,
      // At least ~17 calls/s over all tokens (a third of what one worker did on two shared cores), two
      // minutes at smoke scale: a stuck run ends with its open items counted, not a hung suite.
      timeoutMs: Math.max(120_000, total * 60),
      logLevel: "silent",
      env: { CAMPAIGN_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) },
    });
  } catch (error) {
    // The sampler must not outlive the run: it would query a pool the caller is about to close.
    await database.stop().catch(() => {});
    throw error;
  }
  const machineAfter = machineCpuMs();
  const simulatorCpuAfter = processCpuMs(sims.pid, { descendants: true });
  const databaseCpu = await database.stop();
  // The statistics collector publishes a backend's counts when it goes idle: a moment for the last ones.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const transactionsAfter = await committedTransactions(handle.db);
  const run = await measure(handle.db, sims.url, {
    ...input,
    communes: prepared.map((p) => p.commune),
    campaignIds: prepared.map((p) => p.campaignId),
  });
  const result: Run = {
    ...run,
    perWorker: results.map((r) => (r.killed ? "tué" : String(r.calls))).join(" + "),
    callMs: {
      ...summarize(results.flatMap((r) => r.callMs ?? [])),
      overFiveSeconds: results.reduce((n, r) => n + (r.callMs ?? []).filter((ms) => ms > 5_000).length, 0),
    },
    outcomes: Object.entries(
      results.reduce<Record<string, number>>((sum, r) => {
        for (const [k, n] of Object.entries(r.byOutcome)) sum[k] = (sum[k] ?? 0) + n;
        return sum;
      }, {}),
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(", "),
    killed: results.filter((r) => r.killed).length,
    cpu: {
      workers: results.reduce((a, r) => a + (r.cpuMs ?? NaN), 0),
      database: databaseCpu,
      simulator: simulatorCpuAfter - simulatorCpu,
      machineBusy: machineAfter.busy - machine.busy,
      machineTotal: machineAfter.total - machine.total,
    },
    transactions: transactionsAfter - transactions,
  };
  input.log(
    `janvier : ${input.workers} worker(s), ${fmt(result.rate)} appels/s, seconde la plus dense ${result.worstDensest}, ` +
      `429 × ${result.tooManyRequests}, ${result.open} élément(s) ouvert(s)`,
  );
  return result;
}

/** What the simulator received, token by token, and what the database says is left. */
async function measure(
  db: Database,
  simulatorUrl: string,
  input: { workers: number; families: number; communes: PacingCommune[]; campaignIds: string[] },
) {
  const stats = await receivedStats(simulatorUrl);
  const perToken = await mapInParallel(input.communes.length, 16, async (i) =>
    receivedArrivals(simulatorUrl, input.communes[i]!.token),
  );
  const all = perToken.flat().sort((a, b) => a - b);
  const received = input.communes.map((c) => stats.tokens[c.token]);
  // The simulator's own sliding window, and ours on its arrival times: the worse of the two.
  const densest = input.communes.map((_, i) =>
    Math.max(received[i]?.densestWindow.count ?? 0, densestSecond(perToken[i]!).count),
  );
  const [open] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from qf_campaign_items
        where campaign_id = any(${`{${input.campaignIds.join(",")}}`}::uuid[]) and status in ('pending', 'in_progress')`,
  );
  const notOnce = input.communes
    .flatMap((c) => c.families)
    .filter((f) => stats.identities[f.simulatorKey]?.calls !== 1);
  const durationS = all.length > 1 ? (all[all.length - 1]! - all[0]!) / 1000 : NaN;
  const seconds = countsPerWholeSecond(all);
  return {
    workers: input.workers,
    communes: input.communes.length,
    families: input.families,
    arrivals: all.length,
    durationS,
    rate: (all.length - 1) / durationS,
    // The first and last whole seconds are partial (ramp-up, tail).
    perSecond: summarize(seconds.length > 2 ? seconds.slice(1, -1) : seconds),
    worstDensest: Math.max(0, ...densest),
    tooManyRequests: received.reduce((a, r) => a + (r?.byStatus["429"] ?? 0), 0),
    callsDuringRetryAfter: received.reduce((a, r) => a + (r?.callsDuringRetryAfter ?? 0), 0),
    banned: received.filter((r) => r?.banned).length,
    notOnce: notOnce.length,
    repeatedStatuses: Object.entries(
      notOnce.reduce<Record<string, number>>((sum, f) => {
        const byStatus = stats.identities[f.simulatorKey]?.byStatus ?? {};
        const key = Object.keys(byStatus).length
          ? Object.entries(byStatus)
              .map(([k, n]) => `${n} × ${k}`)
              .join(" + ")
          : "aucun appel";
        sum[key] = (sum[key] ?? 0) + 1;
        return sum;
      }, {}),
    )
      .map(([k, n]) => `${n} : ${k}`)
      .join(" ; "),
    open: Number(open?.n ?? 0),
  };
}

async function committedTransactions(db: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select xact_commit::float8 as n from pg_stat_database where datname = current_database()`,
  );
  return Number(row?.n ?? NaN);
}

/**
 * CPU time of this database's backends (the workers' connections and ours), sampled every half
 * second from /proc: a backend's figure is kept from its last sample, so one that ends between two
 * samples loses at most half a second of its time. The rest of PostgreSQL (WAL writer,
 * checkpointer) is shared with other databases and left out.
 */
function startBackendCpuSampler(db: Database) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = async () => {
    const rows = await queryRows<{ pid: number }>(
      db,
      sql`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`,
    );
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (!Number.isFinite(ms)) continue;
      if (!first.has(pid)) first.set(pid, ms);
      last.set(pid, ms);
    }
  };
  // Backends already there are counted from this first sample, later ones from their start.
  const existing = sample().then(() => new Set(first.keys()));
  let stopped = false;
  let failure: unknown = null;
  const loop = (async () => {
    await existing;
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      // A failed sample ends the sampling, never the process: the run's own error (which may have
      // closed the pool under it) is the one to report, and stop() rethrows this one otherwise.
      await sample().catch((error: unknown) => {
        failure = error;
        stopped = true;
      });
    }
  })();
  // Handled here so that a first sample's failure cannot end the process before stop() reports it.
  loop.catch(() => {});
  return {
    async stop(): Promise<number> {
      stopped = true;
      await loop;
      if (failure) throw failure;
      await sample();
      const before = await existing;
      let total = 0;
      for (const [pid, ms] of last) total += ms - (before.has(pid) ? first.get(pid)! : 0);
      return last.size > 0 ? total : NaN;
    },
  };
}

/** `count` tasks, at most `parallelism` at a time, results in order. */
async function mapInParallel<T>(count: number, parallelism: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallelism, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

function goals(runs: Run[]): BenchResult["goals"] {
  const worst = Math.max(...runs.map((r) => r.worstDensest));
  const total429 = runs.reduce((a, r) => a + r.tooManyRequests + r.callsDuringRetryAfter, 0);
  const notOnce = runs.reduce((a, r) => a + r.notOnce, 0);
  return [
    {
      label: `janvier : seconde glissante la plus dense ≤ ${LIMIT} pour chaque jeton, dans chaque exécution (pire : ${worst})`,
      ok: worst <= LIMIT,
    },
    {
      label: `janvier : aucun 429, aucun appel pendant un Retry-After, aucun bannissement (total : ${total429})`,
      ok: total429 === 0 && runs.every((r) => r.banned === 0),
    },
    {
      label: `janvier : aucune famille appelée deux fois (familles sans exactement un appel : ${notOnce})`,
      ok: notOnce === 0,
    },
    {
      label: "janvier : toutes les familles traitées, pour chaque nombre de workers",
      ok: runs.every((r) => r.open === 0 && r.killed === 0),
    },
  ];
}

function report(runs: Run[], simulatorAhead: boolean): string {
  const base = runs.find((r) => r.workers === 1);
  const perCall = (ms: number, r: Run) => fmt(ms / Math.max(r.arrivals, 1), 2);
  const { concurrency, perCommune } = campaignWorkerBounds(0.9 * LIMIT, WORKER_CONCURRENCY);
  const first = runs[0]!;
  const summary = table(
    [
      "Workers",
      "Appels reçus",
      "Durée (s)",
      "Appels/s (tous jetons)",
      "× 1 worker",
      "Par seconde, médiane / p95 / max",
      "Par jeton (req/s)",
      "Seconde la plus dense (pire jeton)",
      "429",
      "Familles sans exactement un appel",
      "Éléments restés ouverts",
      "Appels par worker",
      "Issues des éléments (workers)",
      "Statuts au simulateur des familles sans exactement un appel",
      "Durée d’un appel vu du worker, médiane / p95 / max (ms)",
      "Appels de plus de 5 s",
    ],
    runs.map((r) => [
      r.workers === 1 ? "1 processus" : `${r.workers} processus`,
      r.arrivals,
      fmt(r.durationS),
      fmt(r.rate),
      base ? fmt(r.rate / base.rate, 2) : "—",
      `${fmt(r.perSecond.median)} / ${fmt(r.perSecond.p95)} / ${fmt(r.perSecond.max)}`,
      fmt(r.rate / r.communes, 2),
      r.worstDensest,
      r.tooManyRequests + r.callsDuringRetryAfter,
      r.notOnce,
      r.open,
      r.perWorker,
      r.outcomes,
      r.repeatedStatuses || "—",
      `${fmt(r.callMs.median)} / ${fmt(r.callMs.p95)} / ${fmt(r.callMs.max)}`,
      r.callMs.overFiveSeconds,
    ]),
  );
  const cpu = table(
    [
      "Workers",
      "Workers : CPU (s) / ms par appel",
      "PostgreSQL (connexions de la base) : CPU (s) / ms par appel",
      "Simulateur : CPU (s) / ms par appel",
      "Transactions PostgreSQL par appel",
      "Machine entière occupée (autres processus compris)",
    ],
    runs.map((r) => [
      r.workers === 1 ? "1 processus" : `${r.workers} processus`,
      `${fmt(r.cpu.workers / 1000)} / ${perCall(r.cpu.workers, r)}`,
      `${fmt(r.cpu.database / 1000)} / ${perCall(r.cpu.database, r)}`,
      `${fmt(r.cpu.simulator / 1000)} / ${perCall(r.cpu.simulator, r)}`,
      fmt(r.transactions / Math.max(r.arrivals, 1)),
      `${fmt((100 * r.cpu.machineBusy) / r.cpu.machineTotal)} %`,
    ]),
  );
  return [
    `${first.communes.toLocaleString("fr-FR")} communes de ${first.families} familles (population synthétique SYNTH… ` +
      `du simulateur), chacune avec son jeton API Particulier et sa campagne, toutes créées avant le démarrage des ` +
      `workers : elles démarrent ensemble, comme le premier jour ouvré de janvier. Simulateur d’API Particulier dans ` +
      `son propre processus, à la limite de production (${LIMIT} req/s par jeton sur une seconde glissante), ` +
      (simulatorAhead
        ? "ordonnancé avant nos processus (`nice -10`) : l’API répond depuis ses propres machines, et ses réponses ne " +
          "doivent pas attendre le processeur que nos workers et PostgreSQL lui laissent. "
        : "**à égalité avec nos processus** (le système a refusé de le faire passer devant : il faut être root) : ses " +
          "réponses attendent aussi le processeur que nos workers lui laissent. ") +
      "Workers = " +
      "vrais processus `tsx bench/campaign-worker.ts` avec les bornes de production (`campaignWorkerBounds` : " +
      `${concurrency} éléments tenus à la fois par processus, toutes communes confondues, ${perCommune} au plus par ` +
      `jeton ; régulateur à 0,9 × ${LIMIT} req/s par jeton ; 10 connexions PostgreSQL par processus). Communes, ` +
      "jetons et identités propres à chaque nombre de workers (même base, même simulateur). Tout est compté **au simulateur**.",
    "",
    summary,
    "",
    "Appels/s = arrivées de tous les jetons ÷ (dernière arrivée − première arrivée). « Par seconde » : arrivées par " +
      "seconde entière, hors première et dernière (partielles). « Par jeton » = débit total ÷ nombre de communes, à " +
      `comparer aux ${fmt(0.9 * LIMIT)} req/s que chaque jeton pourrait recevoir seul.`,
    "",
    "Où passe le temps processeur pendant la mesure (du démarrage des workers à leur fin) : boucle de campagne des " +
      "workers (`process.cpuUsage`, chargement des modules exclu), processus serveur de PostgreSQL des connexions à " +
      "la base de la mesure (`/proc`, échantillonné toutes les 0,5 s), processus du simulateur (`/proc`). Transactions validées dans la base de la mesure " +
      "(`pg_stat_database.xact_commit`, tous processus confondus) ÷ appels reçus.",
    "",
    cpu,
  ].join("\n");
}
