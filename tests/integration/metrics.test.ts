import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { qfCampaigns, shipments } from "../../db/schema/index.ts";
import { fetchWithTimeout } from "../../app/integrations/http.server.ts";
import { registerDatabaseMetrics } from "../../app/metrics/database-metrics.server.ts";
import { externalSystemOf, registerExternalSystem } from "../../app/metrics/external-calls.server.ts";
import { createRouteLabeler, httpMetrics } from "../../app/metrics/http-metrics.server.ts";
import { startMetricsServer } from "../../app/metrics/metrics-server.server.ts";
import { registry } from "../../app/metrics/registry.server.ts";
import { parseConfig } from "../../app/config.server.ts";
import { startWorker } from "../../jobs/worker-runtime.ts";
import { citizenJourney } from "../../bench/citizen.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-readiness.ts";
import { startApp } from "../helpers/app-process.ts";
import { freePort } from "../helpers/free-port.ts";
import { startSimulatorProcess } from "../helpers/simulator-process.ts";
import { createAgent, createCommune, testSiret } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
let metricsServer: Awaited<ReturnType<typeof startMetricsServer>>;

beforeAll(async () => {
  handle = await createTestDatabase();
  registerDatabaseMetrics(handle.db);
  metricsServer = await startMetricsServer(0, "127.0.0.1");
});

afterAll(async () => {
  await metricsServer?.close();
  await handle?.close();
});

const scrape = async () => {
  const response = await fetch(`http://127.0.0.1:${metricsServer.port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
};

/** The value of one sample line, e.g. `portailqf_outbox_depth{outbox="shipments"}`. */
const sample = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

async function listen(app: express.Express | http.RequestListener) {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("Prometheus metrics", () => {
  it("reports the depth and the age of the oldest item of each outbox, and open campaigns' progress", async () => {
    const empty = await scrape();
    expect(sample(empty, 'portailqf_outbox_depth{outbox="shipments"}')).toBe(0);
    expect(sample(empty, 'portailqf_outbox_oldest_age_seconds{outbox="shipments"}')).toBe(0);

    const commune = await createCommune(handle.db, "Angers", 501);
    const agent = await createAgent(handle.db, { email: "agent.metrics@angers.fr" });
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await handle.db.insert(shipments).values([
      { reference: "ABCDEF0000001", idempotencyKey: "m-1", collectivityId: commune.id, createdAt: tenMinutesAgo },
      { reference: "ABCDEF0000002", idempotencyKey: "m-2", collectivityId: commune.id },
      { reference: "ABCDEF0000003", idempotencyKey: "m-3", collectivityId: commune.id, status: "delivered" },
    ]);
    const [campaign] = await handle.db
      .insert(qfCampaigns)
      .values({ collectivityId: commune.id, annee: 2026, mois: 1, scope: "all", trigger: "agent", startedBy: agent.id })
      .returning();
    expect(campaign).toBeDefined();
    // The snapshot is cached for one second, so that one scrape reads the database once.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const text = await scrape();
    expect(sample(text, 'portailqf_outbox_depth{outbox="shipments"}')).toBe(2);
    const age = sample(text, 'portailqf_outbox_oldest_age_seconds{outbox="shipments"}')!;
    expect(age).toBeGreaterThanOrEqual(590);
    expect(age).toBeLessThan(900);
    for (const outbox of ["hubee_status_reports", "webhook_deliveries", "exports", "mails"]) {
      expect(sample(text, `portailqf_outbox_depth{outbox="${outbox}"}`)).toBe(0);
    }
    expect(sample(text, 'portailqf_campaigns{status="running"}')).toBe(1);
    expect(sample(text, "portailqf_database_ping_seconds")).toBeGreaterThan(0);
    // No commune reads its inbox through the portal yet: nothing stale, nothing overdue.
    expect(sample(text, "portailqf_hubee_inbox_staleness_seconds")).toBe(0);
    expect(sample(text, "portailqf_hubee_inboxes_overdue")).toBe(0);
    // Nothing but /metrics is served on the metrics port.
    expect((await fetch(`http://127.0.0.1:${metricsServer.port}/`)).status).toBe(404);
  });

  it("labels HTTP requests by Remix route id, never by path", async () => {
    const routes = {
      root: { id: "root", path: "" },
      "routes/portail.communes.$siret": {
        id: "routes/portail.communes.$siret",
        parentId: "root",
        path: "portail/communes/:siret",
      },
      "routes/portail.communes.$siret.dossiers.$familyId": {
        id: "routes/portail.communes.$siret.dossiers.$familyId",
        parentId: "routes/portail.communes.$siret",
        path: "dossiers/:familyId",
      },
      "routes/_index": { id: "routes/_index", parentId: "root", index: true },
    } as unknown as ServerBuild["routes"];
    const labelOf = createRouteLabeler(routes);
    const siret = testSiret(502);
    const familyPath = `/portail/communes/${siret}/dossiers/0b7e4a52-2f55-4d8e-9a57-3c1c8f0b9d11`;
    expect(labelOf(familyPath)).toBe("routes/portail.communes.$siret.dossiers.$familyId");
    expect(labelOf(`${familyPath}.data`)).toBe("routes/portail.communes.$siret.dossiers.$familyId");
    expect(labelOf("/")).toBe("routes/_index");
    expect(labelOf("/_root.data")).toBe("routes/_index");
    expect(labelOf("/build/entry.client-ABC.js")).toBe("static");

    const app = express();
    app.use(httpMetrics(labelOf));
    app.get("*", (_req, res) => res.status(418).send("ok"));
    const { server, base } = await listen(app);
    try {
      await (await fetch(`${base}${familyPath}`)).text();
    } finally {
      server.close();
    }
    const text = await registry.getSingleMetricAsString("portailqf_http_request_duration_seconds");
    expect(text).toContain(
      'portailqf_http_request_duration_seconds_count{route="routes/portail.communes.$siret.dossiers.$familyId",method="GET",status="418"} 1',
    );
    expect(text).not.toContain(siret);
  });

  it("counts calls to external systems by system and outcome, 429s apart", async () => {
    let answer = 429;
    const { server, base } = await listen((_req: http.IncomingMessage, res: http.ServerResponse) =>
      res.writeHead(answer).end(),
    );
    try {
      registerExternalSystem(`${base}/api-particulier/`, "api_particulier");
      expect(externalSystemOf(`${base}/api-particulier/v3/dss/quotient_familial/identite?x=1`)).toBe("api_particulier");
      expect(externalSystemOf(`${base}/elsewhere`)).toBe("other");
      const before =
        (await registry.getSingleMetric("portailqf_external_rate_limited_total")!.get()).values.find(
          (v) => v.labels.system === "api_particulier",
        )?.value ?? 0;
      await fetchWithTimeout(`${base}/api-particulier/v3/dss/quotient_familial/identite`, { timeoutMs: 2_000 });
      answer = 200;
      await fetchWithTimeout(`${base}/api-particulier/v3/dss/quotient_familial/identite`, { timeoutMs: 2_000 });
      await fetchWithTimeout(`${base}/elsewhere`, { timeoutMs: 2_000 });
      const limited = (await registry.getSingleMetric("portailqf_external_rate_limited_total")!.get()).values.find(
        (v) => v.labels.system === "api_particulier",
      )?.value;
      expect(limited).toBe(before + 1);
      const calls = await registry.getSingleMetricAsString("portailqf_external_call_duration_seconds");
      expect(calls).toMatch(/_count\{system="api_particulier",outcome="rate_limited"\} [1-9]/);
      expect(calls).toMatch(/_count\{system="api_particulier",outcome="success"\} [1-9]/);
      expect(calls).toMatch(/_count\{system="other",outcome="success"\} [1-9]/);
    } finally {
      server.close();
    }
  });

  it("never carries an identifier, an e-mail or a SIRET in a label", async () => {
    const metrics = await registry.getMetricsAsJSON();
    const values = metrics.flatMap((metric) =>
      (metric.values ?? []).flatMap((value) => Object.values(value.labels ?? {}).map(String)),
    );
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(value).not.toMatch(/@|\b\d{14}\b|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    }
  });

  it("times each job run by outcome and remembers the last success", async () => {
    let fail = false;
    const job = {
      name: "metrics-probe",
      cron: "* * * * * *",
      coordinated: false,
      run: async () => {
        if (fail) throw new Error("panne simulée");
        fail = true;
        return { done: 1 };
      },
    };
    const worker = await startWorker({ db: handle.db, config: parseConfig({ NODE_ENV: "test" }) }, [job]);
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    await worker.stop();
    const text = await registry.getSingleMetricAsString("portailqf_job_duration_seconds");
    expect(text).toMatch(/portailqf_job_duration_seconds_count\{job="metrics-probe",outcome="success"\} 1\n/);
    expect(text).toMatch(/portailqf_job_duration_seconds_count\{job="metrics-probe",outcome="failure"\} [1-9]/);
    const last = await registry.getSingleMetricAsString("portailqf_job_last_success_timestamp_seconds");
    expect(last).toMatch(/\{job="metrics-probe"\} \d{10}/);
  });

  it(
    "is served by the web process on METRICS_PORT, with the routes it answered",
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const metricsPort = await freePort();
      const app = await startApp({ env: { METRICS_PORT: String(metricsPort) } });
      try {
        expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(text).toMatch(
          /portailqf_http_request_duration_seconds_count\{route="routes\/healthz",method="GET",status="200"\} [1-9]/,
        );
        expect(text).toContain('portailqf_outbox_depth{outbox="shipments"} 0');
        expect(text).toContain("portailqf_process_cpu_seconds_total");
      } finally {
        await app.stop();
      }
    },
  );

  it(
    "counts the calls the routes of the built app make, FranceConnect's included, under their systems",
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const [port, metricsPort] = [await freePort(), await freePort()];
      const appUrl = `http://localhost:${port}`;
      const sims = await startSimulatorProcess(20, { APP_URL: appUrl });
      const simulators = sims.url.replace("127.0.0.1", "localhost");
      try {
        const app = await startApp({
          port,
          env: {
            METRICS_PORT: String(metricsPort),
            FRANCECONNECT_ISSUER: `${simulators}/franceconnect/api/v2`,
            PROCONNECT_ISSUER: `${simulators}/proconnect/api/v2`,
            API_PARTICULIER_URL: `${sims.url}/api-particulier`,
            HUBEE_API_URL: `${sims.url}/hubee`,
            HUBEE_TOKEN_URL: `${sims.url}/hubee-auth/oauth2/token`,
          },
        });
        try {
          // Login (FranceConnect's token, keys and identity), review (API Particulier), transmission (HubEE).
          await citizenJourney(port, "127.0.0.1");
          const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
          for (const system of ["franceconnect", "api_particulier", "hubee_auth", "hubee"]) {
            expect(text).toMatch(
              new RegExp(
                `portailqf_external_call_duration_seconds_count\\{system="${system}",outcome="success"\\} [1-9]`,
              ),
            );
          }
          expect(text).not.toMatch(/portailqf_external_call_duration_seconds_count\{system="other"/);
          // The request's log line tells the time spent waiting on HubEE from the rest.
          const transmission = app
            .output()
            .stdout.split("\n")
            .filter((line) => line.includes('"method":"POST"') && line.includes('"path":"/demarche/verification"'));
          expect(transmission).toHaveLength(1);
          expect(JSON.parse(transmission[0]!).outgoingMs).toBeGreaterThan(0);
        } finally {
          await app.stop();
        }
      } finally {
        await sims.close();
      }
    },
  );
});
