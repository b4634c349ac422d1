import { and, eq, inArray, sql } from "drizzle-orm";
import { openDatabase } from "../db/client.ts";
import { qfCampaignItems } from "../db/schema/index.ts";
import { createCampaign } from "../app/portal/campaigns/campaigns.server.ts";
import { campaignTestKey } from "../tests/helpers/campaign-fixtures.ts";
import { startCpuBurner } from "../tests/helpers/cpu-burner.ts";
import {
  countsPerWholeSecond,
  createPacingCommune,
  densestSecond,
  enableJitter,
  receivedArrivals,
  receivedStats,
  runWorkerProcesses,
} from "../tests/helpers/pacing.ts";
import { startSimulatorProcess } from "../tests/helpers/simulator-process.ts";
import { createBenchDatabase, fmt, now, scaled, table, type BenchResult } from "./lib.ts";

/**
 * Issue 13: the token pacer must never earn a 429 from API Particulier (20 requests per token in
 * any sliding second measured where they arrive; a call during a Retry-After bans the token for
 * 12 h), even on a machine whose every core is busy. Five campaigns of 1,000 families with one
 * worker process, five with three, against the simulator in its own process (production's limit,
 * no grace, 0–40 ms of network jitter per request), while a child process spins on every core.
 * Everything is measured at the receiver: the simulator's arrival times of each run's own token.
 */

const LIMIT = 20;
const RATE = 0.9 * LIMIT;
const JITTER_MS = 40;
/** The goal: every run's mean rate at the receiver at least this share of the limit. */
const MIN_FRACTION = 0.85;

export interface PacingBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

interface Run {
  workers: number;
  index: number;
  families: number;
  arrivals: number;
  durationS: number;
  fraction: number;
  densest: number;
  clientDensest: number;
  tooManyRequests: number;
  callsDuringRetryAfter: number;
  banned: boolean;
  notOnce: number;
  open: number;
  perWorker: string;
  perSecond: number[];
}

export async function runPacingBench(options: PacingBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const families = scaled(1_000, options.scale, 20);
  const runsPerConfig = scaled(5, options.scale, 1);
  const scratch = await createBenchDatabase("pacing");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  const sims = await startSimulatorProcess(LIMIT);
  let burner: Awaited<ReturnType<typeof startCpuBurner>> | undefined;
  try {
    const rule = await enableJitter(sims.url, JITTER_MS);
    if (rule.jitterMs !== JITTER_MS) throw new Error("le simulateur ignore la gigue (jitterMs)");
    // At smoke scale (CI, beside other test files) no burner: it would slow the neighbours, and the
    // smoke run only proves the benchmark still works. The full run measures under CPU load.
    if (options.scale >= 0.1) burner = await startCpuBurner();
    const runs: Run[] = [];
    for (const workers of [1, 3]) {
      for (let index = 1; index <= runsPerConfig; index++) {
        const seed = runs.length + 1;
        log(`cadence : ${workers} worker(s), exécution ${index}/${runsPerConfig}, ${families} familles`);
        const commune = await createPacingCommune(handle.db, sims.url, {
          seed,
          families,
          firstIndex: 1 + (seed - 1) * families,
        });
        const campaign = (await createCampaign(handle.db, {
          collectivityId: commune.id,
          familyIds: "all",
          trigger: "agent",
          agentId: null,
        }))!;
        const results = await runWorkerProcesses({
          db: handle.db,
          databaseUrl: scratch.url,
          apiParticulierUrl: sims.apiParticulierUrl,
          campaignId: campaign.id,
          workers,
          limitPerSecond: LIMIT,
          // The key createPacingCommune sealed the token with.
          encryptionKey: campaignTestKey,
          workerIdPrefix: `pacing-${seed}`,
          // Twice the paced duration: a slower pacer shows in the numbers, a paused token ends the run.
          timeoutMs: Math.round((2 * families * 1000) / RATE) + 30_000,
          logLevel: "silent",
        });
        const arrivals = await receivedArrivals(sims.url, commune.token);
        const stats = await receivedStats(sims.url);
        const received = stats.tokens[commune.token];
        const [open] = await handle.db
          .select({ n: sql<number>`count(*)::int` })
          .from(qfCampaignItems)
          .where(
            and(
              eq(qfCampaignItems.campaignId, campaign.id),
              inArray(qfCampaignItems.status, ["pending", "in_progress"]),
            ),
          );
        const durationS = arrivals.length > 1 ? (arrivals[arrivals.length - 1]! - arrivals[0]!) / 1000 : NaN;
        const run: Run = {
          workers,
          index,
          families,
          arrivals: arrivals.length,
          durationS,
          // The measure: families ÷ (last arrival − first arrival) ÷ the limit; meaningless for
          // a campaign a ban interrupted (its last arrival came early).
          fraction: Number(open?.n ?? 0) === 0 ? families / durationS / LIMIT : NaN,
          densest: received?.densestWindow.count ?? 0,
          clientDensest: densestSecond(results.flatMap((r) => r.sends).sort((a, b) => a - b)).count,
          tooManyRequests: received?.byStatus["429"] ?? 0,
          callsDuringRetryAfter: received?.callsDuringRetryAfter ?? 0,
          banned: received?.banned ?? false,
          notOnce: commune.families.filter((f) => stats.identities[f.simulatorKey]?.calls !== 1).length,
          open: Number(open?.n ?? 0),
          perWorker: results.map((r) => (r.killed ? "tué" : String(r.calls))).join(" + "),
          perSecond: countsPerWholeSecond(arrivals),
        };
        log(
          `cadence : densest ${run.densest}, 429 × ${run.tooManyRequests}, débit ${fmt(100 * run.fraction)} % de la limite`,
        );
        runs.push(run);
      }
    }
    return {
      name: "pacing",
      title: "Cadence des appels à API Particulier sous charge CPU",
      markdown: report(runs, families, burner?.threads ?? 0),
      goals: goals(runs),
      durationMs: now() - started,
    };
  } finally {
    await burner?.stop();
    await sims.close();
    await handle.close();
    await scratch.drop();
  }
}

function goals(runs: Run[]): BenchResult["goals"] {
  const worstDensest = Math.max(...runs.map((r) => r.densest));
  const total429 = runs.reduce((a, r) => a + r.tooManyRequests, 0);
  const duringRetryAfter = runs.reduce((a, r) => a + r.callsDuringRetryAfter, 0);
  const worstFraction = Math.min(...runs.map((r) => r.fraction).filter(Number.isFinite));
  const interrupted = runs.filter((r) => !Number.isFinite(r.fraction)).length;
  return [
    {
      label: `cadence : fenêtre glissante d’une seconde la plus dense ≤ ${LIMIT} à la réception, dans chaque exécution (pire : ${worstDensest})`,
      ok: worstDensest <= LIMIT,
    },
    { label: `cadence : aucun 429, dans aucune exécution (total : ${total429})`, ok: total429 === 0 },
    {
      label: `cadence : aucun appel pendant un Retry-After, aucun bannissement (appels : ${duringRetryAfter})`,
      ok: duringRetryAfter === 0 && runs.every((r) => !r.banned),
    },
    {
      label: "cadence : toutes les familles traitées, un appel chacune",
      ok: runs.every((r) => r.open === 0 && r.notOnce === 0),
    },
    {
      label:
        `cadence : débit moyen ≥ ${fmt(MIN_FRACTION, 2)} × la limite dans chaque exécution (pire : ${fmt(worstFraction, 3)}` +
        (interrupted ? `, ${interrupted} campagne(s) interrompue(s))` : ")"),
      ok: runs.every((r) => r.fraction >= MIN_FRACTION),
    },
  ];
}

function report(runs: Run[], families: number, burnerThreads: number): string {
  const label = (r: Run) => `${r.workers} w. n° ${r.index}`;
  const summary = table(
    [
      "Workers",
      "Exécution",
      "Familles",
      "Durée (s)",
      "Débit ÷ limite",
      "Fenêtre la plus dense (simulateur)",
      "Fenêtre la plus dense au départ (clients)",
      "429",
      "Appels pendant un Retry-After",
      "Banni",
      "Familles sans exactement un appel",
      "Éléments restés ouverts",
      "Appels par worker",
    ],
    runs.map((r) => [
      r.workers === 1 ? "1 processus" : `${r.workers} processus`,
      r.index,
      r.families,
      fmt(r.durationS),
      Number.isFinite(r.fraction) ? fmt(r.fraction, 3) : "— (interrompue)",
      r.densest,
      r.clientDensest,
      r.tooManyRequests,
      r.callsDuringRetryAfter,
      r.banned ? "oui" : "non",
      r.notOnce,
      r.open,
      r.perWorker,
    ]),
  );
  const maxCount = Math.max(0, ...runs.flatMap((r) => r.perSecond));
  const histogram = table(
    ["Arrivées dans la seconde", ...runs.map(label)],
    Array.from({ length: maxCount + 1 }, (_, count) => maxCount - count)
      .filter((count) => runs.some((r) => r.perSecond.includes(count)))
      .map((count) => [count, ...runs.map((r) => r.perSecond.filter((n) => n === count).length || "")]),
  );
  return [
    `${runs.length} campagnes de ${families.toLocaleString("fr-FR")} familles (population synthétique SYNTH… du ` +
      `simulateur), chacune sur sa commune et son jeton. Simulateur d’API Particulier dans son propre processus, à la ` +
      `limite de production (${LIMIT} req/s par jeton sur une seconde glissante), sans tolérance après un 429, avec ` +
      `une gigue réseau de 0 à ${JITTER_MS} ms par requête avant qu’elle ne compte comme arrivée. Workers = vrais ` +
      "processus `tsx bench/campaign-worker.ts` (`runCampaignPasses` et le régulateur par jeton partagé par la base, " +
      `créneaux à 0,9 × ${LIMIT} = ${RATE} req/s), qui démarrent ensemble. ` +
      (burnerThreads > 0
        ? `Pendant toute la mesure, un processus enfant occupe chaque cœur (${burnerThreads} fils qui tournent à vide, ` +
          "`tests/helpers/cpu-burner.ts`)."
        : "Échelle réduite : sans processus qui occupe les cœurs."),
    "",
    summary,
    "",
    "Débit ÷ limite = familles ÷ (dernière arrivée − première arrivée) ÷ " +
      `${LIMIT}, sans objet pour une campagne qu’un 429 a interrompue. La fenêtre la plus dense est comptée par le simulateur à l’arrivée (après la gigue) ; celle « au ` +
      "départ » sur les heures d’envoi relevées par les workers juste avant l’appel HTTP.",
    "",
    "Histogramme à la réception : pour chaque exécution, le nombre de secondes entières (calées sur l’horloge) qui ont " +
      "reçu tant d’arrivées, de la seconde de la première arrivée à celle de la dernière (ces deux-là sont partielles).",
    "",
    histogram,
  ].join("\n");
}
