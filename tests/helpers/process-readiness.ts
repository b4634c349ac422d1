import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Waiting for a process we started (the web server, the worker, the simulators) to be ready.
 *
 * A fixed clock cannot tell a slow start from a stuck one: on a busy laptop (load average 7) the
 * build, PGlite's first migration and tsx's transpilation can take minutes, while a deadlocked boot
 * never gets anywhere. So we wait as long as the process makes progress, i.e. it uses CPU (itself or
 * the node process tsx spawns) or prints something, and fail with a clear message once it has made
 * none for `stallMs`. `capMs` bounds a process that keeps working without ever becoming ready.
 */
export interface ReadinessOptions {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  /** The process's own readiness signal (its /healthz, a "ready" line it logs). */
  isReady: () => boolean | Promise<boolean>;
  /** How the process is named in the failure ("server.ts", "simulators/main.ts"). */
  what: string;
  /** "exit": the process runs to completion (a command), and exiting is what we wait for. */
  until?: "ready" | "exit";
  stallMs?: number;
  capMs?: number;
  pollMs?: number;
}

/** Long enough for any honest start on a starved machine; a boot that does nothing this long is stuck. */
export const DEFAULT_STALL_MS = 90_000;
export const DEFAULT_CAP_MS = 480_000;
/**
 * Vitest's own timeout for a test or hook that starts processes: above the readiness cap, so the
 * failure a developer reads is ours (what the process printed), never vitest's bare "timed out".
 */
export const PROCESS_TEST_TIMEOUT_MS = DEFAULT_CAP_MS + 120_000;

export async function waitForReadiness(options: ReadinessOptions): Promise<void> {
  const { child, output, isReady, what } = options;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const capMs = options.capMs ?? DEFAULT_CAP_MS;
  const pollMs = options.pollMs ?? 150;
  const started = Date.now();
  let lastProgressAt = started;
  let lastSignature = progressSignature(child, output);

  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (options.until === "exit") return;
      throw new Error(`${what} exited (code ${child.exitCode ?? child.signalCode}) before being ready${tail(output)}`);
    }
    if (await isReady()) return;
    const now = Date.now();
    const signature = progressSignature(child, output);
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastProgressAt = now;
    }
    if (now - lastProgressAt > stallMs) {
      throw new Error(
        `${what} is not ready and has made no progress for ${Math.round(stallMs / 1000)} s ` +
          `(no CPU used, nothing printed): it looks stuck${tail(output)}`,
      );
    }
    if (now - started > capMs) {
      throw new Error(
        `${what} is still working but not ready after ${Math.round(capMs / 1000)} s: ` +
          `the machine is too slow for this suite, or the readiness signal never comes${tail(output)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** What changes while a process works: its output and the CPU time of its process tree. */
function progressSignature(child: ChildProcess, output: () => { stdout: string; stderr: string }): string {
  const { stdout, stderr } = output();
  return `${stdout.length}:${stderr.length}:${child.pid === undefined ? -1 : cpuTicksOfTree(child.pid)}`;
}

/**
 * User + system CPU ticks of a process and its descendants (tsx runs the entry point in a child
 * node process). Linux's /proc only; elsewhere -1, and the output alone tells progress.
 */
export function cpuTicksOfTree(pid: number, depth = 0): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return depth === 0 ? -1 : 0;
  }
  // The command name (2nd field) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  let ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  if (depth > 8) return ticks;
  for (const childPid of childrenOf(pid)) ticks += cpuTicksOfTree(childPid, depth + 1);
  return ticks;
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function tail(output: () => { stdout: string; stderr: string }): string {
  const { stdout, stderr } = output();
  const last = (text: string) => text.trim().split("\n").slice(-15).join("\n");
  return `\n--- stderr (end) ---\n${last(stderr) || "(empty)"}\n--- stdout (end) ---\n${last(stdout) || "(empty)"}`;
}
