import { once } from "node:events";
import { DEMO_DEFAULTS } from "../app/config.server.ts";
import { openDatabase } from "../db/client.ts";
import { seedDemo } from "../db/seed/demo.ts";
import { collect, spawnEntryPoint } from "../tests/helpers/app-process.ts";
import { freePort } from "../tests/helpers/free-port.ts";
import { waitForReadiness } from "../tests/helpers/process-readiness.ts";

/**
 * The built server (`server.ts`, `npm run build` first) on a benchmark's database, with
 * `processes` web processes, ready once /healthz answers. The benchmarks that drive it over HTTP
 * (web processes, the inbox's agents) share this start and stop.
 *
 * In production mode, as it runs in production: React and Remix pick their development builds
 * from NODE_ENV at run time (checks, warnings, component stacks), which cost a list page several
 * times its production CPU (issue 20). Production requires every external variable: the demo's
 * values are given explicitly (the agents' pages never call the simulators), and the demo's
 * session secret, so that the sessions the benchmark signs in are the server's.
 */
export const productionModeEnv = (): Record<string, string> => ({
  ...DEMO_DEFAULTS,
  // The demo relay has no STARTTLS; the benchmarks' pages mail nothing anyway.
  SMTP_TLS: "off",
  NODE_ENV: "production",
});

/**
 * Migrates the benchmark's database and loads the demo data (Angers and its neighbours), which a
 * server in production mode never seeds by itself.
 */
export async function seedDemoDatabase(databaseUrl: string): Promise<void> {
  const handle = await openDatabase({ databaseUrl, maxConnections: 2 });
  try {
    await seedDemo(handle.db);
  } finally {
    await handle.close();
  }
}

export async function startBuiltServer(options: {
  databaseUrl: string;
  processes: number;
  env?: Record<string, string>;
  /** A port chosen beforehand (the simulators need the app's URL before it starts). */
  port?: number;
}): Promise<{
  port: number;
  /** The launcher's pid: with its descendants, every server process. */
  pid: number;
  stop(): Promise<void>;
}> {
  const port = options.port ?? (await freePort());
  const app = spawnEntryPoint(
    "server.ts",
    {
      ...productionModeEnv(),
      LOG_LEVEL: "warn",
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
      DATABASE_URL: options.databaseUrl,
      WEB_PROCESSES: String(options.processes),
      ...options.env,
    },
    // One .cpuprofile per process (the cluster's primary and each web process), written as it exits.
    process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [],
  );
  const output = collect(app);
  const exited = once(app, "exit");
  const stop = async () => {
    if (app.exitCode === null) app.kill("SIGTERM");
    await exited;
  };
  try {
    const healthy = () =>
      fetch(`http://127.0.0.1:${port}/healthz`)
        .then((res) => res.status === 200)
        .catch(() => false);
    await waitForReadiness({ child: app, output, what: "server.ts", isReady: healthy });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, pid: app.pid!, stop };
}
