import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { describeMachine, fmt, gitRevision, now, type BenchResult } from "./lib.ts";

/**
 * The benchmark suite, shared by `npm run bench` (bench/run.ts) and the smoke test
 * (tests/bench/bench-smoke.test.ts). Benchmarks run one after the other: they would skew each
 * other on a small machine.
 */

export interface SuiteOptions {
  scale: number;
  only?: string[];
  log?: (line: string) => void;
  /** Tests want the error itself rather than a failed line in the report. */
  rethrow?: boolean;
}

export interface SuiteReport {
  results: BenchResult[];
  goals: { label: string; ok: boolean }[];
  markdown: string;
}

type BenchFn = (options: { scale: number; log: (line: string) => void }) => Promise<BenchResult>;

const BENCHMARKS: { name: string; load: () => Promise<BenchFn | null> }[] = [
  { name: "inbox", load: async () => (await import("./inbox.ts")).runInboxBench },
  { name: "exports", load: loadExportsBench },
  { name: "tariff-simulation", load: async () => (await import("./tariff-simulation.ts")).runTariffSimulationBench },
  { name: "campaign", load: async () => (await import("./campaign.ts")).runCampaignBench },
  { name: "january", load: async () => (await import("./january-run.ts")).runJanuaryRunBench },
  { name: "ingestion", load: async () => (await import("./ingestion.ts")).runIngestionBench },
  { name: "citizen", load: async () => (await import("./citizen.ts")).runCitizenBench },
  { name: "pacing", load: async () => (await import("./pacing.ts")).runPacingBench },
  { name: "web-processes", load: async () => (await import("./web-processes.ts")).runWebProcessesBench },
  { name: "audit", load: async () => (await import("./audit-chains.ts")).runAuditChainsBench },
  { name: "inbox-sweep", load: async () => (await import("./inbox-sweep.ts")).runInboxSweepBench },
  {
    name: "platform-dashboard",
    load: async () => (await import("./platform-dashboard.ts")).runPlatformDashboardBench,
  },
];

/**
 * Hook for bench/exports.ts (CSV/XLSX vs COPY), written separately: used when present, with
 * either a `runExportsBench` export or a default export taking `{ scale, log }` and returning a
 * BenchResult (or just Markdown).
 */
async function loadExportsBench(): Promise<BenchFn | null> {
  const file = fileURLToPath(new URL("./exports.ts", import.meta.url));
  if (!existsSync(file)) return null;
  const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  const fn = (module.runExportsBench ?? module.default) as
    ((options: { scale: number; log: (line: string) => void }) => Promise<BenchResult | string>) | undefined;
  if (typeof fn !== "function") return null;
  return async (options) => {
    const started = now();
    const result = await fn(options);
    return typeof result === "string"
      ? { name: "exports", title: "Exports", markdown: result, goals: [], durationMs: now() - started }
      : result;
  };
}

export async function runBenchmarks(options: SuiteOptions): Promise<SuiteReport> {
  const log = options.log ?? (() => {});
  const machine = await describeMachine();
  const results: BenchResult[] = [];
  /** The one-minute load at each section's start and end: absolute times only mean something beside it. */
  const loads = new Map<string, { start: number; end: number }>();
  const skipped: string[] = [];
  for (const bench of BENCHMARKS) {
    if (options.only && !options.only.includes(bench.name)) continue;
    const run = await bench.load();
    if (!run) {
      skipped.push(bench.name);
      log(`${bench.name}: absent (bench/${bench.name}.ts), ignoré`);
      continue;
    }
    log(`${bench.name}: début`);
    const started = now();
    const loadAtStart = os.loadavg()[0]!;
    try {
      const result = await run({ scale: options.scale, log });
      log(`${bench.name}: fini en ${fmt(result.durationMs / 1000)} s`);
      results.push(result);
      loads.set(result.name, { start: loadAtStart, end: os.loadavg()[0]! });
    } catch (error) {
      // One broken benchmark must not cost the others' numbers: it is reported as failed.
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      log(`${bench.name}: échec : ${message}`);
      if (options.rethrow) throw error;
      results.push({
        name: bench.name,
        title: `${bench.name} (échec)`,
        markdown: `La mesure a échoué : \`${message.slice(0, 300)}\``,
        goals: [{ label: `${bench.name} : la mesure a échoué`, ok: false }],
        durationMs: now() - started,
      });
    }
  }
  const goals = results.flatMap((r) => r.goals);
  const markdown = [
    "# Mesures de performance",
    "",
    "Produit par `npm run bench` (`bench/run.ts`). Chaque mesure génère ses données (graine fixe) dans une base " +
      "PostgreSQL jetable `bench_<nom>`, mesure sa référence dans la même exécution, et donne médiane et p95 sur des " +
      "répétitions, en rapport à cette référence.",
    "",
    "## Machine",
    "",
    `- Processeur : ${machine.cpu}, ${machine.cores} cœurs` + describeContention(machine.cores),
    `- Mémoire : ${machine.memoryGb} Gio ; charge au début (1/5/15 min) : ${machine.loadAverage}`,
    `- Node.js ${machine.node}, PostgreSQL ${machine.postgres} (sur la même machine, réglages par défaut)`,
    `- Échelle : \`BENCH_SCALE=${options.scale}\` ; révision ${gitRevision()} ; ${new Date().toISOString()}`,
    "",
    "## Objectifs",
    "",
    ...goals.map((g) => `- ${g.ok ? "✔" : "✘"} ${g.label}`),
    ...(skipped.length ? ["", `Non mesurés (module absent) : ${skipped.join(", ")}.`] : []),
    "",
    ...readingNotes(),
    ...results.flatMap((r) => [`## ${r.title}`, "", r.markdown, "", `_${describeSection(r, loads.get(r.name))}._`, ""]),
  ].join("\n");
  return { results, goals, markdown };
}

function describeSection(result: BenchResult, load: { start: number; end: number } | undefined): string {
  const duration = `Durée : ${fmt(result.durationMs / 1000)} s`;
  return load
    ? `${duration} ; charge de la machine (moyenne sur 1 min) au début ${fmt(load.start, 2)}, à la fin ${fmt(load.end, 2)}`
    : duration;
}

/**
 * Absolute times only mean something next to the machine's load: the suite shares its cores with
 * whatever else runs, so the note says so when the one-minute load was already high at the start.
 */
function describeContention(cores: number): string {
  const [oneMinute] = os.loadavg();
  return oneMinute! >= cores / 2
    ? " — **partagés avec d’autres processus pendant la mesure** : les temps absolus sont pessimistes et bruités, " +
        "les rapports le sont moins."
    : " — machine au repos au début de la mesure.";
}

/** The hand-written reading of the results (what was found, what the numbers mean) lives in NOTES.md. */
function readingNotes(): string[] {
  const file = fileURLToPath(new URL("./NOTES.md", import.meta.url));
  return existsSync(file) ? [readFileSync(file, "utf8").trim(), ""] : [];
}
