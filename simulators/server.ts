import { once } from "node:events";
import { readFile, writeFile, rename } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import express from "express";
import { createApiParticulierSimulator } from "./api-particulier/index.ts";
import { DEFAULT_APP_URL } from "./demo-data.ts";
import { createFranceConnectSimulator } from "./franceconnect/index.ts";
import { createHubeeSimulator } from "./hubee/index.ts";
import { createProConnectSimulator } from "./proconnect/index.ts";
import { createSmtpSimulator } from "./smtp/index.ts";
import type { SimulatorModule } from "./shared/types.ts";

export interface SimulatorOptions {
  /** 0 = a random free port (tests). */
  port?: number;
  host?: string;
  /** Public base URL of the app, for the OIDC clients' redirect URIs. */
  appUrl?: string;
  /** Where to save state so a demo survives a restart; absent = memory only. */
  stateFile?: string;
  /** API Particulier per-token limit (requests per second). */
  apiParticulierRateLimit?: number;
  /** HubEE access token lifetime in seconds (default 3600). */
  hubeeTokenTtlSeconds?: number;
  /** Port of the SMTP server (mailbox at /mails); 0 = a random free port (tests, the default). */
  smtpPort?: number;
  /**
   * Serve HTTPS with this certificate (PEM): the app in production mode refuses identity providers
   * over plain HTTP, so a benchmark of the production build talks to the simulators over TLS.
   */
  tls?: { cert: string; key: string };
}

export interface RunningSimulators {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  franceconnectIssuer: string;
  proconnectIssuer: string;
  apiParticulierUrl: string;
  hubeeApiUrl: string;
  hubeeTokenUrl: string;
  /** e.g. smtp://127.0.0.1:1025: what SMTP_URL points at. */
  smtpUrl: string;
  /** The mailbox page. */
  mailboxUrl: string;
  modules: {
    franceconnect: Awaited<ReturnType<typeof createFranceConnectSimulator>>;
    proconnect: Awaited<ReturnType<typeof createProConnectSimulator>>;
    apiParticulier: Awaited<ReturnType<typeof createApiParticulierSimulator>>;
    hubee: Awaited<ReturnType<typeof createHubeeSimulator>>;
    smtp: Awaited<ReturnType<typeof createSmtpSimulator>>;
  };
  reset(): void;
  saveState(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the four simulated systems in one HTTP server. The port is bound first,
 * so the OpenID providers know their issuer URL even on a random port.
 */
export async function startSimulators(options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const host = options.host ?? "127.0.0.1";
  const app = express();
  app.disable("x-powered-by");
  const server = options.tls ? https.createServer(options.tls, app) : http.createServer(app);
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  // Issuers are advertised with "localhost" so browser cookies and redirects
  // match what the app is configured with in demo mode.
  const scheme = options.tls ? "https" : "http";
  const url = `${scheme}://${host === "127.0.0.1" || host === "0.0.0.0" ? "localhost" : host}:${port}`;
  const appUrl = options.appUrl ?? DEFAULT_APP_URL;

  const franceconnect = await createFranceConnectSimulator({
    issuer: `${url}/franceconnect/api/v2`,
    appUrl,
  });
  const proconnect = await createProConnectSimulator({ issuer: `${url}/proconnect/api/v2`, appUrl });
  const apiParticulier = await createApiParticulierSimulator({
    introspectFranceConnectToken: (token) => franceconnect.introspect(token),
    rateLimitPerSecond: options.apiParticulierRateLimit ?? 20,
  });
  const hubee = await createHubeeSimulator({ tokenTtlSeconds: options.hubeeTokenTtlSeconds ?? 3600 });
  const smtp = await createSmtpSimulator({ port: options.smtpPort ?? 0, host });
  const modules = { franceconnect, proconnect, apiParticulier, hubee, smtp };
  const all: SimulatorModule[] = Object.values(modules);

  // Browsers ask every origin for /favicon.ico (e.g. on the JSON pages opened by hand) and log a
  // 404 as a console error; the HTML pages declare an empty icon, this answers the others.
  app.get("/favicon.ico", (_req, res) => {
    res.status(204).end();
  });

  app.get("/", (_req, res) => {
    res.json({
      franceconnect: `${url}/franceconnect/api/v2/.well-known/openid-configuration`,
      proconnect: `${url}/proconnect/api/v2/.well-known/openid-configuration`,
      apiParticulier: `${url}/api-particulier`,
      hubee: `${url}/hubee/teledossiers/v1`,
      hubeeToken: `${url}/hubee-auth/oauth2/token`,
      admin: `${url}/__admin/state`,
      mailbox: `${url}/mails`,
    });
  });
  app.get("/__admin/state", (_req, res) => {
    res.json(Object.fromEntries(all.map((m) => [m.name, m.snapshot()])));
  });
  app.post("/__admin/reset", (_req, res) => {
    for (const m of all) m.reset();
    res.status(204).end();
  });
  for (const m of all) {
    app.use(`/__admin/${m.name}`, m.admin);
    for (const route of m.routes) app.use(route.prefix, route.handler);
  }

  if (options.stateFile) {
    const saved = await readFile(options.stateFile, "utf8").catch(() => null);
    if (saved) {
      const state = JSON.parse(saved) as Record<string, unknown>;
      for (const m of all) if (state[m.name] !== undefined) m.restore(state[m.name]);
    }
  }

  const saveState = async () => {
    if (!options.stateFile) return;
    const tmp = `${options.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(all.map((m) => [m.name, m.snapshot()]))));
    await rename(tmp, options.stateFile);
  };
  const autosave = options.stateFile ? setInterval(() => void saveState(), 5_000) : null;
  autosave?.unref();

  return {
    url,
    franceconnectIssuer: `${url}/franceconnect/api/v2`,
    proconnectIssuer: `${url}/proconnect/api/v2`,
    apiParticulierUrl: `${url}/api-particulier`,
    hubeeApiUrl: `${url}/hubee`,
    hubeeTokenUrl: `${url}/hubee-auth/oauth2/token`,
    smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
    mailboxUrl: `${url}/mails`,
    modules,
    reset: () => all.forEach((m) => m.reset()),
    saveState,
    async close() {
      if (autosave) clearInterval(autosave);
      await saveState();
      for (const m of all) await m.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
