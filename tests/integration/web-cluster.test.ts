import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEntryPoint, startApp, type RunningApp } from "../helpers/app-process.ts";
import { freePort } from "../helpers/free-port.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-readiness.ts";

/**
 * Several web processes on one machine (WEB_PROCESSES, node:cluster), as an operator runs them:
 * real processes on PostgreSQL (PGlite opens its folder in one process only, and says so).
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** pino's JSON lines with the given message. */
function logLines(stdout: string, msg: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("WEB_PROCESSES with PGlite", () => {
  it(
    "refuses more than one process in one line naming the variable",
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const result = await runEntryPoint("server.ts", { WEB_PROCESSES: "2", LOG_LEVEL: "silent" });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        "Configuration invalide : WEB_PROCESSES=2 demande PostgreSQL (DATABASE_URL) ; la base embarquée PGlite ne s’ouvre que dans un seul processus",
      );
    },
  );
});

describe.skipIf(!onPostgres)(
  "three web processes on one PORT (PostgreSQL)",
  { timeout: PROCESS_TEST_TIMEOUT_MS },
  () => {
    let app: RunningApp;
    let metricsPort: number;
    const pids = () => logLines(app.output().stdout, "processus web prêt").map((line) => Number(line.pid));

    beforeAll(async () => {
      metricsPort = await freePort();
      app = await startApp({ env: { WEB_PROCESSES: "3", METRICS_PORT: String(metricsPort) } });
      await waitFor(
        () => logLines(app.output().stdout, "serveur web démarré").length === 1,
        "the cluster says it started",
      );
    });
    afterAll(async () => {
      await app?.stop();
    });

    it("migrates once in the primary, then serves from three processes", async () => {
      expect(logLines(app.output().stdout, "migrations appliquées")).toHaveLength(1);
      expect(new Set(pids()).size).toBe(3);
      expect(pids()).not.toContain(app.child.pid);
      for (let i = 0; i < 12; i++) expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    });

    it("serves the machine's metrics once: requests summed over processes, the database's gauges not multiplied", async () => {
      const count = async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const match =
          /portailqf_http_request_duration_seconds_count\{route="routes\/healthz",method="GET",status="200"\} (\d+)/.exec(
            text,
          );
        return { text, healthz: Number(match?.[1] ?? 0) };
      };
      const before = (await count()).healthz;
      for (let i = 0; i < 9; i++) await fetch(`${app.url}/healthz`);
      const { text, healthz } = await count();
      expect(healthz - before).toBe(9);
      // One series per outbox, read once by the primary: not one per process.
      expect(text.match(/^portailqf_outbox_depth\{outbox="shipments"\} 0$/gm)).toHaveLength(1);
      expect(text.match(/^# TYPE portailqf_outbox_depth gauge$/gm)).toHaveLength(1);
    });

    it("restarts a process that dies, and keeps answering meanwhile", async () => {
      const [victim] = pids();
      process.kill(victim!, "SIGKILL");
      await waitFor(
        () => logLines(app.output().stdout, "processus web arrêté, relancé").length === 1,
        "restart logged",
      );
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      await waitFor(() => pids().length === 4, "a new process is ready");
      expect(pids().filter(isAlive)).toHaveLength(3);
    });

    it("stops every process on SIGTERM within the grace period", async () => {
      const alive = pids().filter(isAlive);
      const result = await app.stop("SIGTERM");
      expect(result.code).toBe(0);
      expect(result.durationMs).toBeLessThan(8_000);
      await waitFor(() => alive.every((pid) => !isAlive(pid)), "every web process ended", 10_000);
    });
  },
);
