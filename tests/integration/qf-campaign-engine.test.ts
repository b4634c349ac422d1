import { and, eq, inArray, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  families,
  qfCampaignItems,
  qfCampaigns,
  qfHistory,
  scheduledRuns,
} from "../../db/schema/index.ts";
import { parseConfig } from "../../app/config.server.ts";
import {
  createApiParticulierClient,
  type ApiParticulierClient,
} from "../../app/integrations/api-particulier/client.server.ts";
import {
  createCampaign,
  getCampaignProgress,
  listCampaignItems,
  listOpenAlerts,
  retryFailures,
} from "../../app/portal/campaigns/campaigns.server.ts";
import { createTokenPacer } from "../../app/integrations/api-particulier/token-pacer.server.ts";
import {
  runCampaignPasses,
  runCampaignWorker,
  type CampaignWorkerOptions,
} from "../../app/portal/campaigns/worker.server.ts";
import { startYearlyCampaigns } from "../../app/portal/campaigns/yearly-scheduler.server.ts";
import { runQfCampaignsJob } from "../../jobs/run-qf-campaigns.ts";
import { startWorker } from "../../jobs/worker-runtime.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import {
  apiParticulierAdmin,
  apiParticulierStats,
  campaignTestKey,
  createCommuneWithToken,
  insertSynthFamilies,
  providerAnswers,
} from "../helpers/campaign-fixtures.ts";
import { testSiret } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const LIMIT = 50;
let sims: RunningSimulators;
let handle: DatabaseHandle;
let seed = 100;

beforeAll(async () => {
  sims = await startSimulators({ port: 0, apiParticulierRateLimit: LIMIT });
  handle = await createTestDatabase();
});

afterAll(async () => {
  await sims?.close();
  await handle?.close();
});

beforeEach(async () => {
  await apiParticulierAdmin(sims.url, "POST", "/reset");
  await apiParticulierAdmin(sims.url, "POST", "/rate-limit", { perSecond: LIMIT });
});

/** Each test its own commune and families; the demo token's SIRET is not checked by the API. */
async function commune(token = "demo-api-particulier-49007") {
  seed++;
  return createCommuneWithToken(handle.db, {
    name: `Commune ${seed}`,
    siret: testSiret(seed),
    codeCog: "49007",
    token,
  });
}

function worker(client: ApiParticulierClient, options: Partial<CampaignWorkerOptions> & { workerId: string }) {
  return runCampaignWorker(
    handle.db,
    {
      client,
      pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * LIMIT, limitPerSecond: LIMIT }),
      encryptionKey: campaignTestKey,
    },
    { until: Date.now() + 40_000, backoff: { baseDelayMs: 50, maxDelayMs: 200 }, idlePollMs: 100, ...options },
  );
}

/** A commune of `count` synthetic families (the first numbered `firstIndex`) and an agent's campaign over them all. */
async function communeWithCampaign(count: number, firstIndex: number, token?: string) {
  const c = await commune(token);
  const families = await insertSynthFamilies(handle.db, c.id, count, firstIndex);
  const campaign = (await createCampaign(handle.db, {
    collectivityId: c.id,
    familyIds: "all",
    trigger: "agent",
    agentId: null,
  }))!;
  return { commune: c, families, campaign };
}

const items = (campaignId: string) =>
  handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaignId));

describe("QF campaign engine", () => {
  it("a worker killed mid-campaign leaves its leases; another takes over and finishes it", async () => {
    const { families: fams, campaign } = await communeWithCampaign(120, 1001);
    // Every answer takes 300 ms, so the kill lands while calls are in flight.
    await apiParticulierAdmin(sims.url, "POST", "/faults", { route: "identite", latencyMs: 300 });
    const real = createApiParticulierClient(sims.apiParticulierUrl, { timeoutMs: 2_000 });
    const killer = new AbortController();
    let callsA = 0;
    const killable: ApiParticulierClient = {
      ...real,
      quotientFamilialWithIdentity: (token, params) => {
        if (++callsA === 30) setTimeout(() => killer.abort(new Error("SIGKILL")), 0);
        return real.quotientFamilialWithIdentity(token, params);
      },
    };
    const leases = { claimLeaseMs: 1_500, callLeaseMs: 2_500 };
    const a = await worker(killable, { workerId: "victim", signal: killer.signal, concurrency: 8, ...leases });
    expect(a.calls).toBeGreaterThanOrEqual(30);
    // The victim died holding leases: claimed items and calls whose results it never wrote.
    const afterKill = await items(campaign.id);
    const heldInProgress = afterKill.filter((i) => i.leasedBy === "victim" && i.status === "in_progress");
    expect(afterKill.filter((i) => i.leasedBy === "victim").length).toBeGreaterThan(0);
    expect(heldInProgress.length).toBeLessThanOrEqual(8);

    const b = await worker(real, { workerId: "survivor", concurrency: 8, ...leases });
    expect(b.calls).toBeGreaterThan(0);
    const final = await items(campaign.id);
    expect(final.every((i) => !["pending", "in_progress"].includes(i.status))).toBe(true);
    expect(final.every((i) => i.status === "updated")).toBe(true);
    const [row] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(row!.status).toBe("done");

    // Only calls in flight at the kill may have been made twice; every other family exactly once.
    const stats = await apiParticulierStats(sims.url);
    const maybeTwice = new Set(heldInProgress.map((i) => i.familyId));
    for (const family of fams) {
      const answers = providerAnswers(stats.identities[family.simulatorKey]!.byStatus);
      expect(answers).toBeLessThanOrEqual(maybeTwice.has(family.id) ? 2 : 1);
      expect(answers).toBeGreaterThanOrEqual(1);
    }
    const history = await handle.db
      .select()
      .from(qfHistory)
      .where(
        inArray(
          qfHistory.familyId,
          fams.map((f) => f.id),
        ),
      );
    expect(history).toHaveLength(120); // a result dropped by the dead worker is recorded once, by the survivor
  }, 60_000);

  it("a 401 token stops the campaign and alerts the commune's administrator", async () => {
    const c = await commune("demo-api-particulier-expire");
    await insertSynthFamilies(handle.db, c.id, 40, 2001);
    const campaign = (await createCampaign(handle.db, {
      collectivityId: c.id,
      familyIds: "all",
      trigger: "cron",
      agentId: null,
    }))!;
    const result = await worker(createApiParticulierClient(sims.apiParticulierUrl), {
      workerId: "w401",
      concurrency: 4,
    });
    expect(result.calls).toBeLessThanOrEqual(4);
    const [row] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(row!.status).toBe("stopped");
    expect(row!.stopReason).toBe("token_unauthorized");
    const alerts = await listOpenAlerts(handle.db, c.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "token_unauthorized", httpStatus: 401, errorCode: "00103" });
    const audit = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, c.id), eq(auditEvents.action, "qf_campaign.stopped")));
    expect(audit).toHaveLength(1);
    // Nothing was lost: the items stay open for a retry pass once the token is fixed.
    expect((await items(campaign.id)).filter((i) => i.status === "pending")).toHaveLength(40);
  }, 30_000);

  it("bounded retries end in failed, the explicit retry pass recovers them, a second run is unchanged", async () => {
    const c = await commune();
    const fams = await insertSynthFamilies(handle.db, c.id, 6, 3001);
    const agentId = null;
    const first = (await createCampaign(handle.db, {
      collectivityId: c.id,
      familyIds: fams.slice(0, 5).map((f) => f.id),
      scope: "selection",
      trigger: "agent",
      agentId,
    }))!;
    expect(first.totalCount).toBe(5);
    await apiParticulierAdmin(sims.url, "POST", "/faults", { route: "identite", errorRatio: 1, errorStatuses: [504] });
    const client = createApiParticulierClient(sims.apiParticulierUrl);
    await worker(client, { workerId: "w-fail", maxTries: 3 });
    const failed = await listCampaignItems(handle.db, { campaignId: first.id, collectivityId: c.id, status: "failed" });
    expect(failed).toHaveLength(5);
    expect(failed.every((i) => i.attempts === 3 && i.errorCode === "504")).toBe(true);

    await apiParticulierAdmin(sims.url, "DELETE", "/faults");
    const retry = (await retryFailures(handle.db, { campaignId: first.id, collectivityId: c.id, agentId }))!;
    expect(retry.retryOf).toBe(first.id);
    expect(retry.totalCount).toBe(5);
    await worker(client, { workerId: "w-retry" });
    const progress = (await getCampaignProgress(handle.db, retry.id, c.id))!;
    expect(progress.byStatus.updated).toBe(5);
    const [family] = await handle.db.select().from(families).where(eq(families.id, fams[0]!.id));
    expect(family!.qfValue).not.toBeNull();
    expect(family!.qfUpdatedAt).toBeInstanceOf(Date);

    // Same period again: every QF is already known.
    const again = (await createCampaign(handle.db, {
      collectivityId: c.id,
      familyIds: fams.slice(0, 5).map((f) => f.id),
      trigger: "agent",
      agentId,
    }))!;
    await worker(client, { workerId: "w-again" });
    const unchanged = await listCampaignItems(handle.db, {
      campaignId: again.id,
      collectivityId: c.id,
      status: "unchanged",
    });
    expect(unchanged).toHaveLength(5);
    expect(unchanged.every((i) => i.oldValue === i.newValue)).toBe(true);
    // Another commune cannot read this campaign.
    expect(await getCampaignProgress(handle.db, again.id, (await commune()).id)).toBeNull();
  }, 40_000);

  it("the worker job chains its passes while items are due, so a campaign never waits for the next tick", async () => {
    const { campaign } = await communeWithCampaign(60, 5001);
    const config = parseConfig({
      NODE_ENV: "test",
      API_PARTICULIER_URL: sims.apiParticulierUrl,
      API_PARTICULIER_RATE_LIMIT: String(LIMIT),
      ENCRYPTION_KEY: campaignTestKey.toString("base64"),
    });
    // 60 calls at 45/s take over a second: far more than one 300 ms pass.
    const result = await runQfCampaignsJob({ db: handle.db, config }, { passMs: 300 });
    expect(result.processed).toBeGreaterThanOrEqual(60);
    const final = await items(campaign.id);
    expect(final.filter((i) => i.status === "updated")).toHaveLength(60);
    const [row] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(row!.status).toBe("done");
    // Nothing left: the next run returns at once with nothing done.
    expect(await runQfCampaignsJob({ db: handle.db, config }, { passMs: 300 })).toEqual({
      processed: 0,
      calls: 0,
      finishedCampaigns: 0,
    });
  }, 30_000);

  it("a graceful stop (SIGTERM) records the calls in flight and hands the rest back at once", async () => {
    const { campaign } = await communeWithCampaign(150, 6001);
    await apiParticulierAdmin(sims.url, "POST", "/faults", { route: "identite", latencyMs: 150 });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 1_000);
    const started = Date.now();
    const result = await runCampaignPasses(
      handle.db,
      {
        client: createApiParticulierClient(sims.apiParticulierUrl),
        pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * LIMIT, limitPerSecond: LIMIT }),
        encryptionKey: campaignTestKey,
      },
      { workerId: "w-graceful", passMs: 60_000, stopSignal: stop.signal, concurrency: 8 },
    );
    expect(result.stoppedBy).toBe("stopped");
    expect(Date.now() - started).toBeLessThan(3_000);
    const afterStop = await items(campaign.id);
    // Every call made was recorded; nothing stays leased to the stopped worker.
    expect(afterStop.filter((i) => i.status === "updated")).toHaveLength(result.calls);
    expect(afterStop.filter((i) => i.leasedBy === "w-graceful" || i.status === "in_progress")).toHaveLength(0);
    expect(afterStop.filter((i) => i.status === "pending").length).toBeGreaterThan(0);
    // Another worker takes the rest over at once, without waiting for leases to expire.
    await apiParticulierAdmin(sims.url, "DELETE", "/faults");
    await worker(createApiParticulierClient(sims.apiParticulierUrl), { workerId: "w-after-stop" });
    expect((await items(campaign.id)).filter((i) => i.status === "updated")).toHaveLength(150);
  }, 30_000);

  it("a database error in the claim ends the run only once the calls in flight have ended", async () => {
    const { campaign } = await communeWithCampaign(40, 6501);
    await apiParticulierAdmin(sims.url, "POST", "/faults", { route: "identite", latencyMs: 300 });
    const real = createApiParticulierClient(sims.apiParticulierUrl);
    const calls = { started: 0, ended: 0 };
    const counting: ApiParticulierClient = {
      ...real,
      quotientFamilialWithIdentity: async (token, params) => {
        calls.started++;
        try {
          return await real.quotientFamilialWithIdentity(token, params);
        } finally {
          calls.ended++;
        }
      },
    };
    // The database goes away at the worker's second claim (PostgreSQL restarting): every other
    // statement still reaches it, so the calls of the first claim can record their results.
    let claims = 0;
    const dialect = (handle.db as unknown as { dialect: { sqlToQuery(query: SQL): { sql: string } } }).dialect;
    const failingSecondClaim = new Proxy(handle.db, {
      get(target, property, receiver) {
        if (property === "execute") {
          return (query: SQL) =>
            dialect.sqlToQuery(query).sql.includes("with camps as") && ++claims === 2
              ? Promise.reject(new Error("Connexion à la base perdue"))
              : target.execute(query);
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const run = runCampaignWorker(
      failingSecondClaim,
      {
        client: counting,
        pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * LIMIT, limitPerSecond: LIMIT }),
        encryptionKey: campaignTestKey,
      },
      { workerId: "w-db-error", until: Date.now() + 20_000, concurrency: 16, batchSize: 4, perCampaignClaim: 4 },
    );
    await expect(run).rejects.toThrow("Connexion à la base perdue");
    expect(claims).toBe(2);
    // When the run gives up, no call of it is still running, and each result is written.
    expect(calls.started).toBeGreaterThan(0);
    expect(calls.ended).toBe(calls.started);
    const written = (await items(campaign.id)).filter((i) => i.status === "updated");
    expect(written).toHaveLength(calls.started);
    await apiParticulierAdmin(sims.url, "DELETE", "/faults");
  }, 30_000);

  it("the yearly run is started once across two scheduler instances", async () => {
    const c = await commune();
    await insertSynthFamilies(handle.db, c.id, 3, 4001);
    // 4 January 2027 is the first working day of 2027.
    const yearlyDay = new Date("2027-01-04T05:00:00Z");
    let runs = 0;
    const job = {
      name: `yearly-test-${c.id}`,
      cron: "* * * * * *",
      coordinated: true,
      run: async ({ db }: { db: typeof handle.db }) => {
        runs++;
        return startYearlyCampaigns(db, yearlyDay);
      },
    };
    const config = parseConfig({ NODE_ENV: "test" });
    const one = await startWorker({ db: handle.db, config }, [job]);
    const two = await startWorker({ db: handle.db, config }, [job]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await one.stop();
    await two.stop();
    const fires = (await handle.db.select().from(scheduledRuns)).filter((r) => r.key.includes(job.name));
    expect(fires.length).toBeGreaterThanOrEqual(1);
    expect(runs).toBe(fires.length);
    const created = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.collectivityId, c.id));
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ trigger: "cron", annee: 2027, mois: 1, totalCount: 3 });
    // The next days' runs (catch-up window) find this year's campaign already there.
    expect(await startYearlyCampaigns(handle.db, new Date("2027-01-05T05:00:00Z"))).toEqual({ created: 0 });
  }, 30_000);

  it("a yearly day missed by every worker is caught up within a week, and only then", async () => {
    // The communes of earlier tests take part too: count every campaign this test creates.
    const before = await handle.db.select().from(qfCampaigns);
    const c = await commune();
    await insertSynthFamilies(handle.db, c.id, 2, 7001);
    // 2028: the first working day is Monday 3 January; nobody ran on that day.
    expect(await startYearlyCampaigns(handle.db, new Date("2028-01-02T05:00:00Z"))).toEqual({ created: 0 });
    const late = await startYearlyCampaigns(handle.db, new Date("2028-01-07T05:00:00Z"));
    expect(late.created).toBeGreaterThanOrEqual(1);
    const mine = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.collectivityId, c.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ trigger: "cron", annee: 2028, mois: 1 });
    expect(await startYearlyCampaigns(handle.db, new Date("2028-01-08T05:00:00Z"))).toEqual({ created: 0 });
    // 2029: Monday 1 January is a holiday, the day is Tuesday 2; eight days late is too late.
    expect(await startYearlyCampaigns(handle.db, new Date("2029-01-10T05:00:00Z"))).toEqual({ created: 0 });
    expect((await handle.db.select().from(qfCampaigns)).length).toBe(before.length + late.created);
  }, 30_000);
});
