import { once } from "node:events";
import { collect, spawnEntryPoint } from "../tests/helpers/app-process.ts";
import { freePort } from "../tests/helpers/free-port.ts";
import { waitForReadiness } from "../tests/helpers/process-readiness.ts";

/**
 * The built server (`server.ts`, `npm run build` first) on a benchmark's database, with
 * `processes` web processes, ready once /healthz answers. The benchmarks that drive it over HTTP
 * (web processes, the inbox's agents) share this start and stop.
 */
export async function startBuiltServer(options: {
  databaseUrl: string;
  processes: number;
  env?: Record<string, string>;
}): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const app = spawnEntryPoint("server.ts", {
    NODE_ENV: "development",
    LOG_LEVEL: "warn",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    DATABASE_URL: options.databaseUrl,
    WEB_PROCESSES: String(options.processes),
    ...options.env,
  });
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
  return { port, stop };
}
