// `npm start`: the whole product in demo mode on one machine. Builds the app,
// starts the simulators, the web server and the worker, prints where to go,
// and stops everything on Ctrl-C.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runBuild } from "./build-step.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const port = process.env.PORT ?? "3000";
const simulatorsPort = process.env.SIMULATORS_PORT ?? "4000";
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
const simulators = `http://localhost:${simulatorsPort}`;
const smtpPort = process.env.SIMULATORS_SMTP_PORT ?? "1025";
// The app's demo defaults point at port 4000: name the simulators' URLs so another port works too.
const env = {
  FRANCECONNECT_ISSUER: `${simulators}/franceconnect/api/v2`,
  PROCONNECT_ISSUER: `${simulators}/proconnect/api/v2`,
  API_PARTICULIER_URL: `${simulators}/api-particulier`,
  HUBEE_API_URL: `${simulators}/hubee`,
  HUBEE_TOKEN_URL: `${simulators}/hubee-auth/oauth2/token`,
  // Every mail of the demo lands in the simulators' mailbox (/mails).
  SMTP_URL: `smtp://localhost:${smtpPort}`,
  ...process.env,
  PORT: port,
  APP_URL: appUrl,
  SIMULATORS_PORT: simulatorsPort,
  SIMULATORS_SMTP_PORT: smtpPort,
  SEED_DEMO_TRANSMISSIONS: process.env.SEED_DEMO_TRANSMISSIONS ?? "1",
};

if (process.env.NODE_ENV === "production") {
  console.error("npm start lance la démonstration ; en production, lancez npm run start:web et npm run start:worker.");
  process.exit(1);
}

if (process.env.SKIP_BUILD !== "1" || !existsSync(path.join(root, "build/index.js"))) {
  // runBuild drops esbuild's harmless post-build Go deadlock trace, and only after a success.
  const build = await runBuild({ command: "npm", args: ["run", "build", "--silent"], cwd: root, env });
  if (build.code !== 0 || !existsSync(path.join(root, "build/index.js"))) {
    console.error(`\nLa construction de l'application a échoué (code ${build.code}) : démonstration non lancée.`);
    process.exit(build.code || 1);
  }
}

const children = [];
function start(name, args, extraEnv = {}) {
  const child = spawn(tsx, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `[${name}] `;
  const relay = (stream, out) =>
    stream.on("data", (chunk) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) out.write(prefix + line + "\n");
    });
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}arrêté (code ${code ?? signal}) : arrêt de la démonstration.`);
      stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url, what) {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`${what} ne répond pas (${url}).`);
  stopAll(1);
}

let stopping = false;
function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5_000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on("exit", r)) : null))).then(() =>
    process.exit(code),
  );
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

start("simulateurs", ["simulators/main.ts"]);
await waitFor(`http://127.0.0.1:${simulatorsPort}/`, "Les simulateurs");

// PGlite is a single-process database: with it, the worker runs inside the web process.
const separateWorker = Boolean(process.env.DATABASE_URL);
// Prometheus metrics are on in the demo (off by default in production): web on 9464, a separate worker on 9465.
const metricsPort = Number(process.env.METRICS_PORT ?? 9464);
start("web", ["server.ts"], { METRICS_PORT: String(metricsPort), ...(separateWorker ? {} : { RUN_WORKER: "1" }) });
if (separateWorker) start("worker", ["jobs/worker.ts"], { METRICS_PORT: String(metricsPort + 1) });
await waitFor(`http://127.0.0.1:${port}/healthz`, "Le serveur web");

console.log(`
Portail QF (démonstration) est prêt.

  Formulaire citoyen   ${appUrl}/
  Portail des agents   ${appUrl}/portail
  Simulateurs          http://localhost:${simulatorsPort}/__admin/state
  Courriels envoyés    http://localhost:${simulatorsPort}/mails

  Connexion FranceConnect (simulée) : choisir Angela Dubois dans la liste, mot de passe « 123 »
  Connexion ProConnect (simulée)    : claire.lefebvre@angers.fr (administratrice d'Angers)

Ctrl-C pour tout arrêter.
`);
