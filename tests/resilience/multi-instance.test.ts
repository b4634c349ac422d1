import crypto from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import http from "node:http";
import type { ChildProcess } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import {
  collectivities,
  collectivitySettings,
  qfCampaignItems,
  qfCampaigns,
  qfHistory,
  shipments,
} from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";
import { citizenJourney } from "../../bench/citizen.ts";
import { ROOT, collect, spawnEntryPoint } from "../helpers/app-process.ts";
import { apiParticulierStats, insertSynthFamilies, providerAnswers } from "../helpers/campaign-fixtures.ts";
import { freePort } from "../helpers/free-port.ts";
import { startSimulatorProcess } from "../helpers/simulator-process.ts";
import { createScratchPostgresDatabase } from "../helpers/test-database.ts";

/**
 * The production shape on one machine: two web processes behind a round-robin load balancer and
 * two worker processes, all on one PostgreSQL. A citizen's journey alternates between the web
 * instances (they share no memory) and double-submits the transmission to both: one shipment,
 * one HubEE folder. Meanwhile both workers share a campaign: one result per family, at most one
 * provider answer per family, no ban. PostgreSQL only, and the built app is needed.
 */

const enabled = Boolean(process.env.TEST_DATABASE_URL) && existsSync(`${ROOT}build/index.js`);
const key = crypto.randomBytes(32);
const children: ChildProcess[] = [];
let scratch: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
let handle: DatabaseHandle;
let sims: Awaited<ReturnType<typeof startSimulatorProcess>>;
let balancer: http.Server;
let lbPort: number;

async function waitHealthy(port: number, child: ChildProcess, output: () => { stderr: string }) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`web exited: ${output().stderr.slice(-1_500)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error("web not healthy");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  if (!enabled) return;
  scratch = await createScratchPostgresDatabase();
  handle = await openDatabase({ databaseUrl: scratch!.url, maxConnections: 4 });
  await seedDemo(handle.db);
  lbPort = await freePort();
  const appUrl = `http://localhost:${lbPort}`;
  sims = await startSimulatorProcess(20, { APP_URL: appUrl });
  const simHost = sims.url.replace("127.0.0.1", "localhost");
  const env = {
    // "test" skips the demo seeding at start-up: the database is seeded once, above.
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    APP_URL: appUrl,
    DATABASE_URL: scratch!.url,
    ENCRYPTION_KEY: key.toString("base64"),
    SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
    FRANCECONNECT_ISSUER: `${simHost}/franceconnect/api/v2`,
    PROCONNECT_ISSUER: `${simHost}/proconnect/api/v2`,
    API_PARTICULIER_URL: `${sims.url}/api-particulier`,
    HUBEE_API_URL: `${sims.url}/hubee`,
    HUBEE_TOKEN_URL: `${sims.url}/hubee-auth/oauth2/token`,
  };
  const webPorts: number[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const child = spawnEntryPoint("server.ts", { ...env, PORT: String(port) });
    children.push(child);
    await waitHealthy(port, child, collect(child));
    webPorts.push(port);
  }
  for (let i = 0; i < 2; i++) children.push(spawnEntryPoint("jobs/worker.ts", env));
  // Round robin, one request each: consecutive requests of a citizen land on different instances.
  let next = 0;
  balancer = http.createServer((req, res) => {
    const port = webPorts[next++ % webPorts.length]!;
    const upstream = http.request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  balancer.listen(lbPort, "127.0.0.1");
  await once(balancer, "listening");
});

afterAll(async () => {
  balancer?.closeAllConnections();
  await new Promise((resolve) => (balancer ? balancer.close(resolve) : resolve(undefined)));
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }
  await sims?.close();
  await handle?.close();
  await scratch?.drop();
});

describe.skipIf(!enabled)("two web and two worker processes on one PostgreSQL", () => {
  it("a double-submitted transmission gives one shipment and one HubEE folder", { timeout: 60_000 }, async () => {
    const reference = await citizenJourney(lbPort, "127.0.0.1", undefined, { doubleSubmit: true });
    const rows = await handle.db.select().from(shipments).where(eq(shipments.reference, reference));
    expect(rows).toHaveLength(1);
    const deadline = Date.now() + 30_000;
    let folders: { externalId: string; attachments: unknown[] }[] = [];
    for (;;) {
      const all = (await (await fetch(`${sims.url}/__admin/hubee/folders`)).json()) as
        { folders: typeof folders } | typeof folders;
      folders = (Array.isArray(all) ? all : all.folders).filter((f) => f.externalId === `Formulaire-QF-${reference}`);
      const [shipment] = await handle.db.select().from(shipments).where(eq(shipments.reference, reference));
      if (shipment!.status === "delivered") break;
      if (Date.now() > deadline) throw new Error(`shipment still ${shipment!.status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(folders).toHaveLength(1);
    expect(folders[0]!.attachments).toHaveLength(3);
  });

  it("a campaign shared by both workers gives one result per family", { timeout: 90_000 }, async () => {
    // Pau from the demo seed, with its simulator token sealed under this deployment's key.
    const pau = DEMO_COMMUNES.find((c) => c.name === "Pau")!;
    const [target] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, pau.siret));
    const token = pau.apiParticulierToken;
    await handle.db
      .insert(collectivitySettings)
      .values({
        collectivityId: target!.id,
        apiParticulierTokenEncrypted: sealSettingsSecret(key, target!.id, "api_particulier_token", token),
      })
      .onConflictDoUpdate({
        target: collectivitySettings.collectivityId,
        set: { apiParticulierTokenEncrypted: sealSettingsSecret(key, target!.id, "api_particulier_token", token) },
      });
    const fams = await insertSynthFamilies(handle.db, target!.id, 120, 50_001);
    const campaign = (await createCampaign(handle.db, {
      collectivityId: target!.id,
      familyIds: fams.map((f) => f.id),
      scope: "selection",
      trigger: "agent",
      agentId: null,
    }))!;
    const deadline = Date.now() + 75_000;
    for (;;) {
      const [row] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
      if (row!.status === "done") break;
      if (Date.now() > deadline) throw new Error(`campaign still ${row!.status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const items = await handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaign.id));
    const updated = items.filter((i) => i.status === "updated");
    expect(updated.length).toBeGreaterThan(100);
    const history = (await handle.db.select().from(qfHistory)).filter(
      (h) => h.source === "yearly_update" && fams.some((f) => f.id === h.familyId),
    );
    expect(history).toHaveLength(updated.length);
    const stats = await apiParticulierStats(sims.url);
    expect(stats.tokens[token]!.banned).toBe(false);
    for (const f of fams)
      expect(providerAnswers(stats.identities[f.simulatorKey]?.byStatus ?? {})).toBeLessThanOrEqual(1);
  });
});
