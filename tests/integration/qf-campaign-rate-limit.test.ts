import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import { qfCampaignItems, qfCampaigns, qfHistory } from "../../db/schema/index.ts";
import { createApiParticulierClient } from "../../app/integrations/api-particulier/client.server.ts";
import { createCampaign, getCampaignProgress } from "../../app/portal/campaigns/campaigns.server.ts";
import { createTokenPacer } from "../../app/integrations/api-particulier/token-pacer.server.ts";
import { runCampaignWorker } from "../../app/portal/campaigns/worker.server.ts";
import { startSimulatorProcess } from "../helpers/simulator-process.ts";
import {
  apiParticulierAdmin,
  apiParticulierStats,
  campaignTestKey,
  createCommuneWithToken,
  insertSynthFamilies,
  providerAnswers,
} from "../helpers/campaign-fixtures.ts";
import { densestSecond } from "../helpers/pacing.ts";
import { createScratchPostgresDatabase, createTestDatabase } from "../helpers/test-database.ts";

/**
 * 500 synthetic families at a 50 req/s limit, paced at 0.9 × 50, injected 504s, two
 * worker loops at once (on PostgreSQL each with its own connection pool, like two processes).
 * The simulator runs in its own process, like the real API: in this process its arrival times
 * would be skewed by the workers' event loop (PGlite's queries are synchronous WASM).
 */

const LIMIT = 50;
const TOKEN = "demo-api-particulier-49007";
let sims: { url: string; apiParticulierUrl: string; close(): Promise<void> };
let handles: DatabaseHandle[] = [];
let dropScratch: (() => Promise<void>) | undefined;

beforeAll(async () => {
  sims = await startSimulatorProcess(LIMIT);
  const scratch = await createScratchPostgresDatabase();
  if (scratch) {
    dropScratch = scratch.drop;
    const first = await openDatabase({ databaseUrl: scratch.url, maxConnections: 6 });
    const second = await openDatabase({ databaseUrl: scratch.url, maxConnections: 6, migrate: false });
    handles = [first, second];
  } else {
    const single = await createTestDatabase();
    handles = [single, single];
  }
});

afterAll(async () => {
  await sims?.close();
  for (const handle of new Set(handles)) await handle.close();
  await dropScratch?.();
});

describe("QF campaign within API Particulier's rate limit", () => {
  it("finishes 500 families with 504s, no 429, no ban, never over the limit, each family answered once", async () => {
    const db = handles[0]!.db;
    const commune = await createCommuneWithToken(db, {
      name: "Angers",
      siret: "21490007900010",
      codeCog: "49007",
      token: TOKEN,
    });
    const fams = await insertSynthFamilies(db, commune.id, 500);
    const campaign = (await createCampaign(db, {
      collectivityId: commune.id,
      familyIds: "all",
      trigger: "agent",
      agentId: null,
    }))!;
    expect(campaign.totalCount).toBe(500);

    await apiParticulierAdmin(sims.url, "POST", "/faults", {
      route: "identite",
      errorRatio: 0.08,
      // No injected 429: the simulator holds any call during a 429's Retry-After against the token,
      // and calls already in flight cannot be recalled. The 429 path has its own tests (token-pacer.test.ts).
      errorStatuses: [504],
    });

    const started = Date.now();
    const sends: number[] = [];
    const real = createApiParticulierClient(sims.apiParticulierUrl, { timeoutMs: 5_000 });
    const client = {
      ...real,
      quotientFamilialWithIdentity: (token: string, params: URLSearchParams) => {
        sends.push(performance.timeOrigin + performance.now());
        return real.quotientFamilialWithIdentity(token, params);
      },
    };
    const run = (handle: DatabaseHandle, workerId: string) =>
      runCampaignWorker(
        handle.db,
        {
          client,
          // Production's settings: the pacer's guard holds at the API's side even when CI's busy cores
          // delay our sends or the simulator's reading of them (ADR 014).
          pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * LIMIT, limitPerSecond: LIMIT }),
          encryptionKey: campaignTestKey,
        },
        {
          workerId,
          batchSize: 20,
          concurrency: 16,
          until: Date.now() + 50_000,
          backoff: { baseDelayMs: 100, maxDelayMs: 800 },
          idlePollMs: 200,
        },
      );
    const [a, b] = await Promise.all([run(handles[0]!, "worker-a"), run(handles[1]!, "worker-b")]);
    const elapsedS = (Date.now() - started) / 1000;

    // Both loops took part.
    expect(a.calls).toBeGreaterThan(50);
    expect(b.calls).toBeGreaterThan(50);

    const items = await db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaign.id));
    expect(items).toHaveLength(500);
    const open = items.filter((i) => i.status === "pending" || i.status === "in_progress");
    expect(open).toHaveLength(0);
    const [done] = await db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(done!.status).toBe("done");

    const stats = await apiParticulierStats(sims.url);
    const maxIn1s = (times: number[]) => densestSecond([...times].sort((x, y) => x - y)).count;
    const log = (await (await fetch(`${sims.url}/__admin/apiParticulier/requests?limit=1000`)).json()) as {
      requests: { at: string | number }[];
    };
    console.info(
      JSON.stringify({
        clientMaxPerSecond: maxIn1s(sends),
        arrivalsMaxPerSecond: maxIn1s(log.requests.map((r) => new Date(r.at).getTime())),
      }),
    );
    const tokenStats = stats.tokens[TOKEN]!;
    expect(tokenStats.banned).toBe(false);
    expect(tokenStats.callsDuringRetryAfter).toBe(0);
    expect(tokenStats.maxPerSecond).toBeLessThanOrEqual(LIMIT);
    expect(stats.totals.maxPerSecond).toBeLessThanOrEqual(LIMIT);
    // Injected faults happened (the test means something).
    expect(tokenStats.byStatus["504"] ?? 0).toBeGreaterThan(0);
    expect(tokenStats.byStatus["429"] ?? 0).toBe(0);

    // No family got two provider answers; every call is one the item counted (a retry after a fault).
    const itemsByFamily = new Map(items.map((i) => [i.familyId, i]));
    for (const family of fams) {
      const item = itemsByFamily.get(family.id)!;
      const seen = stats.identities[family.simulatorKey];
      expect(seen, family.simulatorKey).toBeDefined();
      expect(providerAnswers(seen!.byStatus)).toBeLessThanOrEqual(1);
      expect(seen!.calls).toBeLessThanOrEqual(item.attempts);
      if (item.status === "updated" || item.status === "unchanged") expect(providerAnswers(seen!.byStatus)).toBe(1);
    }

    const updated = items.filter((i) => i.status === "updated");
    expect(updated.length).toBeGreaterThan(450);
    const history = await db.select().from(qfHistory);
    expect(history.filter((h) => h.source === "yearly_update")).toHaveLength(updated.length);

    const progress = (await getCampaignProgress(db, campaign.id, commune.id))!;
    expect(progress.done).toBe(500);
    expect(progress.estimatedEndAt).toBeNull();

    // Evidence for the report (ids and counts only).
    console.info(
      JSON.stringify({
        driver: handles[0]!.driver,
        elapsedS,
        maxPerSecond: tokenStats.maxPerSecond,
        byStatus: tokenStats.byStatus,
        items: progress.byStatus,
        calls: { a: a.calls, b: b.calls },
      }),
    );
  }, 60_000);
});
