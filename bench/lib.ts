import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import postgres from "postgres";

/**
 * Shared pieces of the benchmarks: the scale knob, scratch PostgreSQL databases, timing
 * statistics and the machine description. Every benchmark measures its own baseline in the same
 * run, so results are ratios that stay meaningful on a busy machine.
 */

/**
 * BENCH_SCALE=0.01 for a smoke run; 1 = the sizes of the issue. BENCH_SCALE=national is the
 * national dataset of issue 20 (36,000 communes, 3 million family files…, bench/national-dataset.ts):
 * numerically the full size (1), so every benchmark keeps its meaning; `isNationalScale()` tells
 * the benchmarks that build that dataset.
 */
export function benchScale(): number {
  const raw = process.env.BENCH_SCALE;
  if (!raw || raw === "national") return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`BENCH_SCALE invalide : ${raw}`);
  return scale;
}

/** BENCH_SCALE=national: said explicitly, since the national dataset takes minutes to build. */
export const isNationalScale = () => process.env.BENCH_SCALE === "national";

export const scaled = (full: number, scale: number, min = 1) => Math.max(min, Math.round(full * scale));

/** Admin URL of the PostgreSQL server the benchmarks create their scratch databases on. */
export const benchAdminUrl = () => process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * `bench_<name>` on the benchmark server, dropped first if a previous run crashed.
 * BENCH_DB_SUFFIX keeps concurrent runs (the smoke test next to `npm run bench`) apart.
 */
export async function createBenchDatabase(name: string): Promise<ScratchDatabase> {
  const dbName = `bench_${name}${process.env.BENCH_DB_SUFFIX ?? ""}`;
  const admin = postgres(benchAdminUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.unsafe(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(benchAdminUrl());
  url.pathname = `/${dbName}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(benchAdminUrl(), { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${dbName}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) return { n: 0, median: NaN, p95: NaN, min: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank percentiles: no interpolation between samples that were never observed.
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { n: sorted.length, median: rank(0.5), p95: rank(0.95), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export const now = () => performance.now();

export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = now();
  const value = await run();
  return { ms: now() - start, value };
}

export const fmt = (value: number, digits = 1) =>
  Number.isFinite(value) ? value.toFixed(digits).replace(/\.0+$/, "") : "—";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  loadAverage: string;
}

export async function describeMachine(): Promise<MachineInfo> {
  const sql = postgres(benchAdminUrl(), { max: 1, onnotice: () => {} });
  let pg = "inconnu";
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    pg = row!.v;
  } finally {
    await sql.end();
  }
  return {
    cpu: os.cpus()[0]?.model ?? "inconnu",
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pg,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / "),
  };
}

export function gitRevision(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "inconnue";
  }
}

/** What a benchmark hands back to the runner: Markdown for RESULTS.md and goal checks. */
export interface BenchResult {
  name: string;
  title: string;
  markdown: string;
  goals: { label: string; ok: boolean }[];
  durationMs: number;
}

export const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, ms) a Linux process has used so far, read from /proc; with
 * `descendants`, its children's too (tsx's launcher runs the program in a child). NaN when /proc
 * cannot tell (another system, the process gone): a missing figure rather than a wrong one.
 */
export function processCpuMs(pid: number, { descendants = false } = {}): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    if (descendants) {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
      for (const child of children ? children.split(" ") : []) ms += processCpuMs(Number(child), { descendants });
    }
    return ms;
  } catch {
    return NaN;
  }
}

/**
 * Schedules a process, its threads and its descendants ahead of ours (nice `priority`), so that a
 * simulator standing for a remote service answers at its own pace, not at the pace our load leaves
 * it on the shared cores. False when the system refuses (negative nice values need root): the
 * report then says the simulator shared the cores as an equal.
 */
export function prioritize(pid: number, priority = -10): boolean {
  try {
    // Linux's nice is per thread: every task of the process, not only its main thread.
    for (const task of readdirSync(`/proc/${pid}/task`)) os.setPriority(Number(task), priority);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return (children ? children.split(" ") : []).every((child) => prioritize(Number(child), priority));
  } catch {
    return false;
  }
}

/**
 * CPU used so far (ms): by each of `processes` (pids, with their descendants), by this process
 * (`own`: the benchmark's virtual users) and by the whole machine (busy and total). The difference
 * of two snapshots says where a measured run's CPU went; the machine's busy time minus the rest
 * is PostgreSQL's for the most part.
 */
export function cpuSnapshot<K extends string>(processes: Record<K, number>) {
  const own = process.cpuUsage();
  const machine = machineCpuMs();
  const perProcess = Object.fromEntries(
    Object.entries<number>(processes).map(([name, pid]) => [name, processCpuMs(pid, { descendants: true })]),
  ) as Record<K, number>;
  return { ...perProcess, own: (own.user + own.system) / 1000, machineBusy: machine.busy, machineTotal: machine.total };
}

/** Busy and total CPU time of the whole machine so far (ms, all cores), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const ticks = values.map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    // idle + iowait are the cores' spare time.
    const busy = total - ticks[3]! - (ticks[4] ?? 0);
    return { busy: (busy * 1000) / CLOCK_TICKS_PER_SECOND, total: (total * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return { busy: NaN, total: NaN };
  }
}
