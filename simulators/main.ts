import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { startSimulators } from "./server.ts";

// Entry point of `npm run simulators`: the four external systems on one port, and an SMTP server.
const port = Number(process.env.SIMULATORS_PORT ?? 4000);
const stateFile = process.env.SIMULATORS_STATE_FILE ?? path.resolve(".data/simulators-state.json");
await mkdir(path.dirname(stateFile), { recursive: true });

// HTTPS when given a certificate (the production build's benchmark: see SimulatorOptions.tls).
const tlsCertFile = process.env.SIMULATORS_TLS_CERT_FILE;
const tlsKeyFile = process.env.SIMULATORS_TLS_KEY_FILE;
const tls =
  tlsCertFile && tlsKeyFile
    ? { cert: await readFile(tlsCertFile, "utf8"), key: await readFile(tlsKeyFile, "utf8") }
    : undefined;

const sims = await startSimulators({
  port,
  host: process.env.SIMULATORS_HOST ?? "127.0.0.1",
  appUrl: process.env.APP_URL,
  stateFile: process.env.SIMULATORS_PERSIST === "0" ? undefined : stateFile,
  apiParticulierRateLimit: process.env.API_PARTICULIER_RATE_LIMIT
    ? Number(process.env.API_PARTICULIER_RATE_LIMIT)
    : undefined,
  hubeeTokenTtlSeconds: process.env.HUBEE_TOKEN_TTL_SECONDS ? Number(process.env.HUBEE_TOKEN_TTL_SECONDS) : undefined,
  smtpPort: Number(process.env.SIMULATORS_SMTP_PORT ?? 1025),
  tls,
});

console.log(`Simulateurs prêts sur ${sims.url}`);
console.log(`  FranceConnect   ${sims.franceconnectIssuer}`);
console.log(`  ProConnect      ${sims.proconnectIssuer}`);
console.log(`  API Particulier ${sims.apiParticulierUrl}`);
console.log(`  HubEE           ${sims.hubeeApiUrl} (jeton : ${sims.hubeeTokenUrl})`);
console.log(`  SMTP            ${sims.smtpUrl} (courriels reçus : ${sims.mailboxUrl})`);
console.log(`  Administration  ${sims.url}/__admin/state`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sims.close().finally(() => process.exit(0));
  });
}
