import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { apiParticulierRateLimits, collectivitySettings, qfCampaignItems, qfCampaigns } from "../../db/schema/index.ts";
import { createApiParticulierClient } from "../../app/integrations/api-particulier/client.server.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { claimItems, msUntilNextDueItem } from "../../app/portal/campaigns/campaign-items.server.ts";
import { createTokenPacer, tokenHash } from "../../app/integrations/api-particulier/token-pacer.server.ts";
import { runCampaignWorker } from "../../app/portal/campaigns/worker.server.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { ALL_QF_SCOPES } from "../../simulators/api-particulier/scopes.ts";
import {
  apiParticulierAdmin,
  apiParticulierStats,
  campaignTestKey,
  createCommuneWithToken,
  insertSynthFamilies,
} from "../helpers/campaign-fixtures.ts";
import { testSiret } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * National scale (ADR 028): one worker serves several communes' campaigns side by side, each on its
 * own token, and a paused token costs nothing. Asserted on the items' timestamps and at the
 * simulator, never by timing.
 */

/** The worker's bound on items held per commune in the pause test. */
const PER_COMMUNE = 8;
const LIMIT = 20;
let sims: RunningSimulators;
let handle: DatabaseHandle;
let seed = 700;

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
});

async function communeWithOwnToken() {
  seed++;
  const token = `test-echelle-${seed}`;
  await apiParticulierAdmin(sims.url, "POST", "/tokens", { token, scopes: ALL_QF_SCOPES });
  const commune = await createCommuneWithToken(handle.db, {
    name: `Commune ${seed}`,
    siret: testSiret(seed),
    codeCog: "49007",
    token,
  });
  return { ...commune, token };
}

async function campaignOf(collectivityId: string) {
  return (await createCampaign(handle.db, { collectivityId, familyIds: "all", trigger: "agent", agentId: null }))!;
}

function worker(options: { until: number; concurrency?: number; perCommune?: number }) {
  return runCampaignWorker(
    handle.db,
    {
      client: createApiParticulierClient(sims.apiParticulierUrl, { timeoutMs: 5_000 }),
      pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * LIMIT, limitPerSecond: LIMIT }),
      encryptionKey: campaignTestKey,
    },
    { workerId: `w-${seed}`, idlePollMs: 100, backoff: { baseDelayMs: 50, maxDelayMs: 200 }, ...options },
  );
}

const itemsOf = (campaignId: string) =>
  handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaignId));

describe("campaigns at national scale", () => {
  it("a large commune does not hold back a small one: one worker serves both side by side", async () => {
    const large = await communeWithOwnToken();
    const small = await communeWithOwnToken();
    await insertSynthFamilies(handle.db, large.id, 60, 7001);
    await insertSynthFamilies(handle.db, small.id, 12, 7101);
    // The large commune's campaign starts first: served one after the other, the small one would
    // wait for all of it.
    const first = await campaignOf(large.id);
    const second = await campaignOf(small.id);

    const result = await worker({ until: Date.now() + 60_000, concurrency: 16, perCommune: 8 });
    expect(result.stoppedBy).toBe("idle");

    const done = (rows: Array<typeof qfCampaignItems.$inferSelect>) =>
      rows.map((row) => row.finishedAt!.getTime()).sort((a, b) => a - b);
    const largeDone = done(await itemsOf(first.id));
    const smallDone = done(await itemsOf(second.id));
    expect(largeDone).toHaveLength(60);
    expect(smallDone).toHaveLength(12);
    // Side by side, each at its own token's pace: the small commune is finished before the large
    // one is half-way (one after the other, it would finish after the large one's 60th).
    expect(smallDone.at(-1)!).toBeLessThan(largeDone[29]!);
    // ... and the large one was not paused for it either: it progressed while the small one ran.
    expect(largeDone.filter((t) => t <= smallDone.at(-1)!).length).toBeGreaterThanOrEqual(6);

    // Each token within its own limit, counted where the requests arrive.
    const stats = await apiParticulierStats(sims.url);
    for (const token of [large.token, small.token]) {
      expect(stats.tokens[token]!.byStatus["429"] ?? 0).toBe(0);
      expect(stats.tokens[token]!.densestWindow!.count).toBeLessThanOrEqual(LIMIT);
    }
    expect(stats.tokens[large.token]!.total).toBe(60);
    expect(stats.tokens[small.token]!.total).toBe(12);
  });

  it("the items of a commune claimed together read and decrypt its token once", async () => {
    const commune = await communeWithOwnToken();
    await insertSynthFamilies(handle.db, commune.id, 12, 7201);
    const campaign = await campaignOf(commune.id);
    let tokenReads = 0;
    // Counts the reads of the communes' settings (where the sealed token lives); the rest goes through.
    const counting = new Proxy(handle.db, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== "select" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const builder = (value as (...a: unknown[]) => { from: (table: unknown) => unknown }).apply(target, args);
          const from = builder.from.bind(builder);
          builder.from = (table: unknown) => {
            if (table === collectivitySettings) tokenReads++;
            return from(table);
          };
          return builder;
        };
      },
    });
    const result = await runCampaignWorker(
      counting,
      {
        client: createApiParticulierClient(sims.apiParticulierUrl, { timeoutMs: 5_000 }),
        pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * LIMIT, limitPerSecond: LIMIT }),
        encryptionKey: campaignTestKey,
      },
      { workerId: `w-${seed}`, idlePollMs: 100, until: Date.now() + 60_000, concurrency: 16, perCommune: 8 },
    );
    expect(result.stoppedBy).toBe("idle");
    expect((await itemsOf(campaign.id)).every((item) => item.status === "updated")).toBe(true);
    expect(tokenReads).toBe(1);
  });

  it("a paused token costs nothing: its commune's items are not claimed again until the pause ends", async () => {
    const paused = await communeWithOwnToken();
    const other = await communeWithOwnToken();
    await insertSynthFamilies(handle.db, paused.id, 40, 7201);
    await insertSynthFamilies(handle.db, other.id, 10, 7301);
    // A 429 seen elsewhere (an agent's lookup in another process) paused the token for 30 s.
    await handle.db
      .insert(apiParticulierRateLimits)
      .values({ tokenHash: tokenHash(paused.token), pausedUntil: sql`clock_timestamp() + interval '30 seconds'` });
    const held = await campaignOf(paused.id);
    const running = await campaignOf(other.id);
    const before = new Map((await itemsOf(held.id)).map((row) => [row.id, row.nextAttemptAt.getTime()]));

    // The worker serves the other commune, then stops: nothing else is due before its deadline.
    await worker({ until: Date.now() + 3_000, concurrency: 16, perCommune: PER_COMMUNE });

    expect((await itemsOf(running.id)).every((row) => row.status === "updated")).toBe(true);
    const after = await itemsOf(held.id);
    expect(after.every((row) => row.status === "pending" && row.attempts === 0)).toBe(true);
    // The items the worker held for this commune when the pause was met (4 per claim; a second
    // claim may land before the first item's pause holds the campaign, never more than the worker's
    // bound per commune), then the campaign was held: the other items were never claimed, their due
    // time untouched.
    const touched = after.filter((row) => row.nextAttemptAt.getTime() !== before.get(row.id));
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.length).toBeLessThanOrEqual(PER_COMMUNE);
    const [campaign] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, held.id));
    expect(campaign!.dueAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Nothing reached the API with the paused token; an idle worker knows it has ~30 s to wait.
    const stats = await apiParticulierStats(sims.url);
    expect(stats.tokens[paused.token]?.total ?? 0).toBe(0);
    expect(await msUntilNextDueItem(handle.db)).toBeGreaterThan(20_000);
    expect(await claimItems(handle.db, "another-worker", { limit: 20, leaseMs: 60_000, perCampaign: 4 })).toEqual([]);
  });

  it("a claim takes a few items of each due campaign, least recently served first", async () => {
    const communes = [await communeWithOwnToken(), await communeWithOwnToken(), await communeWithOwnToken()];
    const campaigns = [];
    for (const [index, commune] of communes.entries()) {
      await insertSynthFamilies(handle.db, commune.id, 10, 7401 + index * 10);
      campaigns.push(await campaignOf(commune.id));
    }
    // Room for two campaigns per claim: the third is served by the next claim, then the first again.
    const claim = () => claimItems(handle.db, "rr", { limit: 6, leaseMs: 60_000, perCampaign: 3 });
    const served = async () => {
      const rows = await claim();
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(row.campaign_id, (counts.get(row.campaign_id) ?? 0) + 1);
      return counts;
    };
    const one = await served();
    expect([...one.values()]).toEqual([3, 3]);
    const two = await served();
    const third = campaigns.find((c) => !one.has(c.id))!;
    expect(two.get(third.id)).toBe(3);
    expect(two.size).toBe(2);
    // The campaign of the first claim that the second one left out is the least recently served.
    const waiting = [...one.keys()].find((id) => !two.has(id))!;
    const three = await served();
    expect(three.get(waiting)).toBe(3);
  });
});
