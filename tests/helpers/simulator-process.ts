import { once } from "node:events";
import { collect, spawnEntryPoint } from "./app-process.ts";
import { freePort } from "./free-port.ts";
import { waitForReadiness } from "./process-readiness.ts";

/** The simulators in their own process, like the real API (arrival times not skewed by our event loop). */
export async function startSimulatorProcess(apiParticulierLimit: number, env: Record<string, string> = {}) {
  const port = await freePort();
  // Its own SMTP port too: with the default (1025), two test files or a benchmark starting
  // simulators at once made the second one exit with EADDRINUSE.
  const smtpPort = await freePort();
  const child = spawnEntryPoint("simulators/main.ts", {
    SIMULATORS_PORT: String(port),
    SIMULATORS_SMTP_PORT: String(smtpPort),
    SIMULATORS_PERSIST: "0",
    API_PARTICULIER_RATE_LIMIT: String(apiParticulierLimit),
    LOG_LEVEL: "silent",
    ...env,
  });
  const output = collect(child);
  await waitForReadiness({
    child,
    output,
    what: "simulators/main.ts",
    isReady: () => output().stdout.includes("Simulateurs prêts"),
  }).catch((error: unknown) => {
    child.kill("SIGTERM");
    throw error;
  });
  const url = `${env.SIMULATORS_TLS_CERT_FILE ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    url,
    port,
    smtpPort,
    /** The spawned process (tsx's launcher: the simulators run in its child). */
    pid: child.pid!,
    apiParticulierUrl: `${url}/api-particulier`,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
