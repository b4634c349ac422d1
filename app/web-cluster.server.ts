import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, Registry } from "prom-client";
import type { Database } from "../db/client.ts";
import { onShutdown } from "./boot.server.ts";
import type { Config } from "./config.server.ts";
import { closeDatabase } from "./db.server.ts";
import { registerDatabaseMetrics } from "./metrics/database-metrics.server.ts";
import { startMetricsServer } from "./metrics/metrics-server.server.ts";
import { logger } from "./utils/logger.server.ts";

/**
 * Several web processes on one machine (WEB_PROCESSES > 1). Node renders a page on one core, so one
 * process per core is how a machine's capacity grows with its cores; node:cluster lets them share
 * PORT without a process manager. The primary serves no request: it has migrated the database before
 * forking (the processes then find nothing to migrate), restarts a process that dies, serves the
 * machine's metrics once (the processes' own, aggregated, plus the database's gauges read once) and
 * stops them all on SIGTERM.
 */

/** Set in each forked web process: which slot it fills (0 runs the worker when RUN_WORKER=1). */
export const WEB_SLOT_VARIABLE = "PORTAIL_QF_WEB_SLOT";

const RESTART_DELAY_MS = { first: 500, max: 30_000 };
/** A process that lived this long was not crash-looping: its next restart is immediate again. */
const HEALTHY_LIFETIME_MS = 60_000;

export async function runWebCluster({ config, db }: { config: Config; db: Database }): Promise<void> {
  const processes = config.WEB_PROCESSES;
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const restartDelays = Array<number>(processes).fill(0);
  let stopping = false;
  let listening = 0;

  const fork = (slot: number) => {
    const worker = cluster.fork({
      [WEB_SLOT_VARIABLE]: String(slot),
      // One scheduler per machine is enough, and the run coordinator keeps jobs single anyway.
      RUN_WORKER: slot === 0 && process.env.RUN_WORKER === "1" ? "1" : "0",
    });
    slots.set(worker, { slot, startedAt: Date.now() });
    worker.once("listening", () => {
      listening += 1;
      if (listening === processes) {
        logger.info({ port: config.PORT, processes, driver: "postgres" }, "serveur web démarré");
      }
    });
  };

  cluster.on("exit", (worker, code, signal) => {
    const entry = slots.get(worker);
    slots.delete(worker);
    if (stopping || !entry) return;
    const lived = Date.now() - entry.startedAt;
    const delay =
      lived > HEALTHY_LIFETIME_MS
        ? 0
        : Math.min(RESTART_DELAY_MS.max, Math.max(RESTART_DELAY_MS.first, restartDelays[entry.slot]! * 2));
    restartDelays[entry.slot] = delay;
    logger.warn({ slot: entry.slot, code, signal, restartInMs: delay }, "processus web arrêté, relancé");
    setTimeout(() => {
      if (!stopping) fork(entry.slot);
    }, delay).unref();
  });

  for (let slot = 0; slot < processes; slot++) fork(slot);

  const metrics = config.METRICS_PORT === undefined ? null : await serveClusterMetrics(config.METRICS_PORT, db);
  // Without metrics the primary has nothing more to read: its pool would hold connections for nothing.
  if (!metrics) await closeDatabase();

  // If the primary is cut short (its own grace period), it must not leave processes behind.
  process.once("exit", () => {
    for (const worker of slots.keys()) worker.process.kill("SIGKILL");
  });
  onShutdown(
    async () => {
      stopping = true;
      await Promise.all(
        [...slots.keys()].map(async (worker) => {
          if (worker.isDead()) return;
          const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
          worker.process.kill("SIGTERM");
          await exited;
        }),
      );
      await metrics?.close();
      await closeDatabase();
    },
    // Each process has its own 4 s grace period: wait for theirs, then a little.
    { graceMs: 5_000 },
  );
}

/**
 * The machine's /metrics: the web processes' metrics aggregated by prom-client (counters and
 * histograms summed, gauges per their aggregator), and the database's gauges read once here;
 * summed over processes they would count every outbox N times.
 */
async function serveClusterMetrics(port: number, db: Database) {
  const aggregator = new AggregatorRegistry();
  const database = new Registry();
  registerDatabaseMetrics(db, database);
  return startMetricsServer(port, "0.0.0.0", {
    contentType: database.contentType,
    metrics: async () => `${await aggregator.clusterMetrics()}\n${await database.metrics()}`,
  });
}

/** In a forked web process: answer the primary's requests for this process's metrics. */
export function shareMetricsWithPrimary(processRegistry: Registry): void {
  // The constructor installs the worker-side listener; setRegistries says what to answer with.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([processRegistry]);
}

export function isClusterWebProcess(): boolean {
  return cluster.isWorker && process.env[WEB_SLOT_VARIABLE] !== undefined;
}
