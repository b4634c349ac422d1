import crypto from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import cron, { type ScheduledTask } from "node-cron";
import type { Config } from "../app/config.server.ts";
import { runWithLogContext } from "../app/utils/log-context.server.ts";
import { logger } from "../app/utils/logger.server.ts";
import { jobLastSuccess, jobRuns } from "../app/metrics/registry.server.ts";
import type { Database } from "../db/client.ts";
import { createRunCoordinator } from "./run-coordinator.ts";
import { SCHEDULED_JOBS, type ScheduledJob } from "./schedules.ts";

export interface RunningWorker {
  instanceId: string;
  tasks: ScheduledTask[];
  /** Stops the schedules, asks running jobs to finish and waits for them up to `drainMs`. */
  stop(options?: { drainMs?: number }): Promise<void>;
}

/**
 * Registers every schedule with the PostgreSQL run coordinator. Runs in the
 * worker process, or inside the web process when the database is PGlite.
 */
export async function startWorker(
  { db, config }: { db: Database; config: Config },
  jobs: ScheduledJob[] = SCHEDULED_JOBS,
): Promise<RunningWorker> {
  const instanceId = `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  const runCoordinator = createRunCoordinator(db, instanceId);
  const shutdown = new AbortController();
  const running = new Set<Promise<unknown>>();
  const tasks = jobs.map((job) => {
    const task = cron.schedule(
      job.cron,
      // Every line the run writes (its modules log without knowing the job) names the job.
      () =>
        runWithLogContext({ job: job.name }, async () => {
          const started = Date.now();
          try {
            const run = job.run({ db, config, shutdown: shutdown.signal });
            running.add(run);
            const result = await run.finally(() => running.delete(run));
            // Frequent jobs mostly find nothing to do: keep those runs out of the info logs.
            const level = isIdleResult(result) ? "debug" : "info";
            logger[level]({ job: job.name, durationMs: Date.now() - started, result }, "tâche terminée");
            jobRuns.observe({ job: job.name, outcome: "success" }, (Date.now() - started) / 1000);
            jobLastSuccess.set({ job: job.name }, Date.now() / 1000);
          } catch (error) {
            logger.error({ job: job.name, err: error }, "tâche en échec");
            jobRuns.observe({ job: job.name, outcome: "failure" }, (Date.now() - started) / 1000);
          }
        }),
      {
        name: job.name,
        timezone: "Europe/Paris",
        noOverlap: true,
        ...(job.coordinated ? { distributed: true, runCoordinator } : {}),
      },
    );
    return task;
  });
  logger.info({ instanceId, jobs: jobs.map((j) => j.name) }, "worker démarré");
  return {
    instanceId,
    tasks,
    async stop({ drainMs = 3_000 } = {}) {
      shutdown.abort();
      await Promise.all(tasks.map((task) => task.destroy()));
      // Let running jobs hand back what they hold (within the process's grace period).
      await Promise.race([Promise.allSettled([...running]), sleep(drainMs, undefined, { ref: false })]);
    },
  };
}

/** A result made only of zero counts (or nothing) means the run found no work. */
function isIdleResult(result: unknown): boolean {
  if (result === undefined || result === null || result === 0) return true;
  if (typeof result !== "object") return false;
  return Object.values(result).every((value) => value === 0);
}
