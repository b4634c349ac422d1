import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.ts";
import { waitForReadiness } from "./process-readiness.ts";
import { createScratchPostgresDatabase } from "./test-database.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Runs one of our entry points to completion (for boot failures and commands), as long as it makes
 * progress (see process-readiness.ts): a stuck process is killed and the test fails saying so.
 */
export async function runEntryPoint(
  entry: "server.ts" | "jobs/worker.ts" | "scripts/migrate.ts",
  env: Record<string, string | undefined>,
): Promise<ExitResult> {
  const started = Date.now();
  const child = spawnEntryPoint(entry, env);
  const output = collect(child);
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    await waitForReadiness({ child, output, what: entry, until: "exit", isReady: () => false });
  } catch (error) {
    await terminate(child, exited);
    throw error;
  }
  const [code, signal] = await exited;
  return { code, signal, ...output(), durationMs: Date.now() - started };
}

/** `nodeArgs`: Node's own flags (tsx passes them on; a cluster's forks inherit them). */
export function spawnEntryPoint(
  entry: string,
  env: Record<string, string | undefined>,
  nodeArgs: string[] = [],
): ChildProcess {
  const cleanEnv: Record<string, string> = {};
  // Start from a neutral environment: a developer's variables must not leak into tests.
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) if (process.env[key]) cleanEnv[key] = process.env[key]!;
  for (const [key, value] of Object.entries(env)) if (value !== undefined) cleanEnv[key] = value;
  return spawn(TSX, [...nodeArgs, entry], {
    cwd: ROOT,
    env: cleanEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return () => ({ stdout, stderr });
}

export interface RunningApp {
  url: string;
  port: number;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Sends SIGTERM and resolves with the exit once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<ExitResult>;
}

export interface StartAppOptions {
  /** Extra environment, e.g. the simulators' URLs. */
  env?: Record<string, string | undefined>;
  entry?: "server.ts" | "jobs/worker.ts";
  /** Fixed port (the OIDC redirect URIs must be known to the simulators in advance). */
  port?: number;
}

/**
 * Starts the built web server (or the worker) as a real process on a fresh
 * database: a scratch PostgreSQL database when TEST_DATABASE_URL is set, else
 * PGlite in a temporary folder. Resolves once it answers /healthz (web) or logs
 * that it started (worker), waiting as long as it makes progress (see process-readiness.ts).
 */
export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
  const entry = options.entry ?? "server.ts";
  const port = options.port ?? (await freePort());
  const scratch = await createScratchPostgresDatabase();
  const pgliteDir = scratch ? undefined : await mkdtemp(path.join(os.tmpdir(), "portail-qf-pglite-"));
  const started = Date.now();
  const child = spawnEntryPoint(entry, {
    NODE_ENV: "development",
    LOG_LEVEL: "info",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    DATABASE_URL: scratch?.url,
    PGLITE_DIR: pgliteDir,
    ...options.env,
  });
  const output = collect(child);
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const cleanup = async () => {
    await scratch?.drop();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  };

  try {
    await waitForReadiness({
      child,
      output,
      what: entry,
      isReady: entry === "server.ts" ? () => answersHealth(port) : () => output().stdout.includes("worker démarré"),
    });
  } catch (error) {
    await terminate(child, exited);
    await cleanup();
    throw error;
  }

  return {
    url: `http://localhost:${port}`,
    port,
    child,
    output,
    async stop(signal = "SIGTERM") {
      const stopAt = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await exited;
      // Measured before the cleanup: dropping a scratch PostgreSQL database forces a checkpoint,
      // which can take seconds on a busy disk and is not the process's shutdown time.
      const durationMs = Date.now() - stopAt || Date.now() - started;
      await cleanup();
      return { code, signal: sig, ...output(), durationMs };
    },
  };
}

/** The web server's own readiness signal; a server that accepts but never answers is not ready. */
async function answersHealth(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })
    .then((res) => res.status === 200)
    .catch(() => false);
}

/** SIGTERM first: tsx forwards it to the node process it runs, which SIGKILL would leave orphaned. */
async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
