import { once } from "node:events";
import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../db/client.ts";
import { ALL_QF_SCOPES } from "../../simulators/api-particulier/scopes.ts";
import { collect, spawnEntryPoint } from "./app-process.ts";
import { createCommuneWithToken, insertSynthFamilies } from "./campaign-fixtures.ts";
import { testSiret } from "./portal-fixtures.ts";

/**
 * What the pacing test (tests/integration/api-particulier-pacing.test.ts) and the pacing
 * benchmark (bench/pacing.ts) share: a commune with its own simulator token per round (so the
 * simulator's stats are per round), campaign worker processes started together, and what the
 * simulator *received*: arrival times, densest sliding second, 429s, calls during a Retry-After.
 */

/** The simulator's per-token report (GET /__admin/apiParticulier/stats → tokens[token]). */
export interface ReceivedTraffic {
  total: number;
  maxPerSecond: number;
  densestWindow: { count: number; startAt: string | null };
  banned: boolean;
  tooManyRequests: number;
  /** 429s that started a Retry-After (limit reached or injected). */
  rateLimited: number;
  callsDuringRetryAfter: number;
  retryAfterViolations: unknown[];
  byStatus: Record<string, number>;
}

export interface ReceivedStats {
  tokens: Record<string, ReceivedTraffic | undefined>;
  identities: Record<string, { calls: number; byStatus: Record<string, number> } | undefined>;
}

export async function receivedStats(simulatorUrl: string): Promise<ReceivedStats> {
  const response = await fetch(`${simulatorUrl}/__admin/apiParticulier/stats`);
  if (!response.ok) throw new Error(`stats du simulateur : ${response.status}`);
  return (await response.json()) as ReceivedStats;
}

/** Epoch ms of every arrival with that token, as the simulator counted them (after the jitter). */
export async function receivedArrivals(simulatorUrl: string, token: string): Promise<number[]> {
  const response = await fetch(`${simulatorUrl}/__admin/apiParticulier/arrivals?token=${encodeURIComponent(token)}`);
  if (!response.ok) throw new Error(`arrivées du simulateur : ${response.status}`);
  const { arrivals } = (await response.json()) as { arrivals: number[] };
  return [...arrivals].sort((a, b) => a - b);
}

/** Network jitter on the identity route: each request waits 0..jitterMs ms before it counts as arrived. */
export async function enableJitter(simulatorUrl: string, jitterMs: number): Promise<{ jitterMs?: number }> {
  const response = await fetch(`${simulatorUrl}/__admin/apiParticulier/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ route: "identite", jitterMs }),
  });
  if (!response.ok) throw new Error(`faute de gigue refusée : ${response.status}`);
  return (await response.json()) as { jitterMs?: number };
}

/** Densest sliding second of sorted arrival times: the most arrivals a with first ≤ a < first + 1 s. */
export function densestSecond(sorted: number[]): { count: number; startAt: number | null } {
  let best = { count: 0, startAt: null as number | null };
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    if (i - j + 1 > best.count) best = { count: i - j + 1, startAt: sorted[j]! };
  }
  return best;
}

/** Arrivals in each whole second (epoch-aligned) from the first arrival's second to the last one's, empty ones included. */
export function countsPerWholeSecond(sorted: number[]): number[] {
  if (sorted.length === 0) return [];
  const first = Math.floor(sorted[0]! / 1000);
  const counts = new Array<number>(Math.floor(sorted[sorted.length - 1]! / 1000) - first + 1).fill(0);
  for (const t of sorted) counts[Math.floor(t / 1000) - first]!++;
  return counts;
}

/** Arrivals ÷ time from the first to the last arrival, in requests per second. */
export function achievedRate(sorted: number[]): number {
  if (sorted.length < 2) return NaN;
  return ((sorted.length - 1) * 1000) / (sorted[sorted.length - 1]! - sorted[0]!);
}

export interface PacingCommune {
  id: string;
  siret: string;
  token: string;
  families: { id: string; simulatorKey: string }[];
}

/**
 * A commune with a token of its own, registered at the simulator (all QF scopes), and `count`
 * synthetic families SYNTH<firstIndex>…: rounds never share a token nor an identity.
 */
export async function createPacingCommune(
  db: Database,
  simulatorUrl: string,
  input: { seed: number; families: number; firstIndex: number; label?: string },
): Promise<PacingCommune> {
  const label = `${input.label ?? "Cadence"} ${input.seed}`;
  const token = `test-pacing-${input.seed}-${crypto.randomBytes(6).toString("hex")}`;
  const siret = testSiret(90_000 + input.seed);
  const response = await fetch(`${simulatorUrl}/__admin/apiParticulier/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, label, scopes: ALL_QF_SCOPES, siret }),
  });
  if (!response.ok) throw new Error(`jeton refusé par le simulateur : ${response.status}`);
  const commune = await createCommuneWithToken(db, { name: label, siret, codeCog: "49007", token });
  const families: PacingCommune["families"] = [];
  // 2,000 rows per statement keeps under PostgreSQL's 65,535 parameters.
  for (let offset = 0; offset < input.families; offset += 2_000) {
    const count = Math.min(2_000, input.families - offset);
    families.push(...(await insertSynthFamilies(db, commune.id, count, input.firstIndex + offset)));
  }
  return { id: commune.id, siret, token, families };
}

export interface WorkerProcessResult {
  /** The process was still running at the deadline and was killed: no counts (NaN). */
  killed: boolean;
  calls: number;
  processed: number;
  byOutcome: Record<string, number>;
  /** Client-side send times (epoch ms), taken just before the HTTP call. */
  sends: number[];
  /** How long each call took as the client saw it, in ms (from the send time to the outcome). */
  callMs?: number[];
  /** CPU time (user + system) of the process's campaign loop, in ms. */
  cpuMs?: number;
}

export interface WorkerProcessesInput {
  db: Database;
  databaseUrl: string;
  apiParticulierUrl: string;
  /** One campaign, or several started together (the January benchmark: one per commune). */
  campaignId: string | string[];
  workers: number;
  limitPerSecond: number;
  /** The key the communes' tokens are sealed with (campaignTestKey for createPacingCommune's). */
  encryptionKey: Buffer;
  workerIdPrefix: string;
  /**
   * From the moment the items are due: the processes stop claiming then, and are killed 15 s
   * later. A token paused by a 429 (a ban's Retry-After is 12 h) must fail the caller's
   * assertions on what the simulator received, not hang it.
   */
  timeoutMs: number;
  /** Worker processes' log level (default "warn": the pacer's 429 line is a warning). */
  logLevel?: string;
  /** More environment for the worker processes (CAMPAIGN_WORKER_CONCURRENCY: production's bounds). */
  env?: Record<string, string>;
}

/**
 * `tsx bench/campaign-worker.ts` × `workers` (the real runCampaignPasses, each its own process
 * and connection pool) on a PostgreSQL database. They compete from the first item: the campaign's
 * items are held back until every process has connected to the database, then made due at once.
 */
export async function runWorkerProcesses(input: WorkerProcessesInput): Promise<WorkerProcessResult[]> {
  // One array parameter whatever the number of campaigns (2,000 in the January benchmark).
  const campaignIds = `{${[input.campaignId].flat().join(",")}}`;
  // Due in 30 s: less than a pass (50 s), so waiting workers poll instead of ending their pass.
  await input.db.execute(
    sql`update qf_campaign_items set next_attempt_at = clock_timestamp() + interval '30 seconds'
        where campaign_id = any(${campaignIds}::uuid[]) and status = 'pending'`,
  );
  const connections = async () => {
    const [row] = await queryRows<{ n: number }>(
      input.db,
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    return Number(row?.n ?? 0);
  };
  const before = await connections();
  const children = Array.from({ length: input.workers }, (_, i) =>
    spawnEntryPoint("bench/campaign-worker.ts", {
      DATABASE_URL: input.databaseUrl,
      API_PARTICULIER_URL: input.apiParticulierUrl,
      CAMPAIGN_LIMIT_PER_SECOND: String(input.limitPerSecond),
      CAMPAIGN_ENCRYPTION_KEY: input.encryptionKey.toString("base64"),
      CAMPAIGN_WORKER_ID: `${input.workerIdPrefix}-${i}`,
      // Counted from the spawn: the time to start up and connect comes on top of the deadline.
      CAMPAIGN_MAX_MS: String(input.timeoutMs + 25_000),
      NODE_ENV: "test",
      LOG_LEVEL: input.logLevel ?? "warn",
      ...input.env,
    }),
  );
  const outputs = children.map((child) => collect(child));
  const exits = children.map((child) => (child.exitCode === null ? once(child, "exit") : Promise.resolve()));
  try {
    // Each process holds at least one connection once its loop polls the queue.
    const deadline = Date.now() + 25_000;
    while ((await connections()) < before + input.workers && Date.now() < deadline) {
      const dead = children.findIndex((c) => c.exitCode !== null);
      if (dead >= 0) throw new Error(`worker ${dead} arrêté au démarrage : ${outputs[dead]!().stderr.slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await input.db.execute(
      sql`update qf_campaign_items set next_attempt_at = clock_timestamp()
          where campaign_id = any(${campaignIds}::uuid[]) and status = 'pending'`,
    );
    // A claim that probed a held campaign raised its due_at (ADR 028) to the hold's end: lowered
    // too, or the campaign would wait out the 30 s.
    await input.db.execute(
      sql`update qf_campaigns set due_at = clock_timestamp() where id = any(${campaignIds}::uuid[]) and status = 'running'`,
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(exits),
      new Promise((resolve) => (timer = setTimeout(resolve, input.timeoutMs + 15_000))),
    ]);
    clearTimeout(timer);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all(exits);
  }
  return outputs.map((output, i) => {
    const { stdout, stderr } = output();
    const warnings = stdout.split("\n").filter((l) => l.includes('"level":40') || l.includes('"level":50'));
    if (warnings.length > 0) console.warn(`worker ${i} :\n${warnings.slice(-5).join("\n")}`);
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (line) {
      try {
        return { killed: false, ...(JSON.parse(line.slice(7)) as Omit<WorkerProcessResult, "killed">) };
      } catch {
        // Say what came, not only "Unexpected end of JSON input": a cut line is not a crash.
        throw new Error(
          `worker ${i} : résultat illisible (${line.length} caractères reçus), sortie ${children[i]!.exitCode ?? children[i]!.signalCode}`,
        );
      }
    }
    if (children[i]!.signalCode === "SIGKILL") {
      console.warn(`worker ${i} tué à l’échéance`);
      return { killed: true, calls: NaN, processed: NaN, byOutcome: {}, sends: [] };
    }
    throw new Error(`worker ${i} sans résultat : ${stderr.slice(-2_000)}${stdout.slice(-2_000)}`);
  });
}
