import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { collectivities, collectivitySettings, hubeeInboxPolls, receivedCases } from "../../db/schema/index.ts";
import {
  clearHubeeReceiverCache,
  ingestCommuneNow,
  ingestLeased,
  type HubeeInboxSettings,
} from "../../app/portal/hubee-reception/hubee-inboxes.server.ts";
import { ingestDueInboxes } from "../../app/portal/hubee-reception/inbox-sweep.server.ts";
import { loadPlatformStatistics } from "../../app/portal/dashboards/platform-statistics.server.ts";
import { loadHubeeSiCredentials } from "../../app/portal/settings/hubee-si-credentials.server.ts";
import { clearReception, storeHubeeSiCredentials } from "../helpers/hubee-reception-fixtures.ts";
import { injectFormulaireQfCases } from "../../bench/ingestion.ts";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The adaptive sweep of the communes' HubEE inboxes (issue 20, ADR 032): only what is due is
 * read, quiet inboxes less and less often but never less than every 15 minutes, activity and
 * agents bring an inbox back to every minute, and sweepers in several processes share the work
 * without reading one inbox twice at once.
 */

const commune = (name: string) => DEMO_COMMUNES.find((c) => c.name === name)!;
const ANGERS = commune("Angers");
/** Communes HubEE lets receive FormulaireQF folders (Rennes is not subscribed). */
const RECEIVING = DEMO_COMMUNES.filter((c) => c.hubeeSubscribed);
const BESANCON = commune("Besançon");

let sims: RunningSimulators;
let handle: DatabaseHandle;
const ids = new Map<string, string>();
let settings: HubeeInboxSettings;

beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
  handle = await createTestDatabase();
  settings = { hubeeApiUrl: sims.hubeeApiUrl, hubeeTokenUrl: sims.hubeeTokenUrl, encryptionKey: Buffer.alloc(32, 9) };
  for (const c of DEMO_COMMUNES) {
    const [row] = await handle.db
      .insert(collectivities)
      .values({ name: c.name, siret: c.siret, codeCog: c.codeCog, departement: c.departement })
      .returning({ id: collectivities.id });
    ids.set(c.name, row!.id);
  }
});

afterAll(async () => {
  await handle?.close();
  await sims?.close();
});

beforeEach(async () => {
  sims.reset();
  clearHubeeReceiverCache();
  await clearReception(handle.db);
});

async function configure(c: (typeof DEMO_COMMUNES)[number]) {
  await storeHubeeSiCredentials(handle.db, settings.encryptionKey, {
    collectivityId: ids.get(c.name)!,
    clientId: c.hubeeSi.clientId,
    secret: c.hubeeSi.clientSecret,
  });
}

/** The commune's schedule: interval, and seconds until its next read (rounded). */
async function schedule(c: (typeof DEMO_COMMUNES)[number]) {
  const [row] = await handle.db
    .select({
      interval: hubeeInboxPolls.pollIntervalSeconds,
      dueIn: sql<number>`round(extract(epoch from ${hubeeInboxPolls.nextPollAt} - now()))::int`,
      lockedUntil: hubeeInboxPolls.lockedUntil,
    })
    .from(hubeeInboxPolls)
    .where(eq(hubeeInboxPolls.collectivityId, ids.get(c.name)!));
  return row ? { ...row, dueIn: Number(row.dueIn) } : undefined;
}

/** Time passes for one commune: its next read is due now. */
const makeDue = (c: (typeof DEMO_COMMUNES)[number]) =>
  handle.db
    .update(hubeeInboxPolls)
    .set({ nextPollAt: sql`now() - interval '1 second'` })
    .where(eq(hubeeInboxPolls.collectivityId, ids.get(c.name)!));

const sweep = () => ingestDueInboxes(handle.db, settings, { concurrency: 4 });
const storedCases = async () => (await handle.db.select({ n: sql<number>`count(*)::int` }).from(receivedCases))[0]!.n;

describe("adaptive HubEE inbox sweep", () => {
  it("reads every configured inbox on the first sweep, then only those that are due", async () => {
    await configure(ANGERS);
    await configure(BESANCON);
    await injectFormulaireQfCases(sims.url, [ANGERS], 2);

    const first = await sweep();
    expect(first).toMatchObject({ communes: 2, cases: 2, failedCommunes: 0 });
    // Something arrived in Angers: read again in a minute. Besançon was quiet: twice as long.
    expect(await schedule(ANGERS)).toMatchObject({ interval: 60, lockedUntil: null });
    expect((await schedule(ANGERS))!.dueIn).toBeGreaterThan(55);
    expect(await schedule(BESANCON)).toMatchObject({ interval: 120, lockedUntil: null });

    // Nothing is due: no inbox is read, not even Angers where a case is waiting.
    await injectFormulaireQfCases(sims.url, [ANGERS], 1, 100);
    expect(await sweep()).toMatchObject({ communes: 0, cases: 0 });
    expect(await storedCases()).toBe(2);

    await makeDue(ANGERS);
    expect(await sweep()).toMatchObject({ communes: 1, cases: 1 });
    expect(await storedCases()).toBe(3);
  });

  it("reads a quiet inbox less and less often, never less than every 15 minutes, and a minute after activity", async () => {
    await configure(BESANCON);
    const intervals: number[] = [];
    for (let run = 0; run < 6; run++) {
      await makeDue(BESANCON);
      expect(await sweep()).toMatchObject({ communes: 1, cases: 0 });
      intervals.push((await schedule(BESANCON))!.interval);
    }
    expect(intervals).toEqual([120, 240, 480, 900, 900, 900]);

    await injectFormulaireQfCases(sims.url, [BESANCON], 1);
    await makeDue(BESANCON);
    expect(await sweep()).toMatchObject({ communes: 1, cases: 1 });
    expect(await schedule(BESANCON)).toMatchObject({ interval: 60 });
  });

  it("an agent's « Relever maintenant » brings a quiet inbox back to every minute", async () => {
    await configure(BESANCON);
    await handle.db.insert(hubeeInboxPolls).values({
      collectivityId: ids.get("Besançon")!,
      pollIntervalSeconds: 900,
      nextPollAt: sql`now() + interval '10 minutes'`,
    });
    const result = await ingestCommuneNow(handle.db, ids.get("Besançon")!, settings);
    expect(result.status).toBe("done");
    const after = (await schedule(BESANCON))!;
    expect(after.interval).toBe(60);
    expect(after.dueIn).toBeLessThanOrEqual(60);
  });

  it("sweepers in several processes share the due inboxes: each read once, each case stored once", async () => {
    for (const c of RECEIVING) await configure(c);
    await injectFormulaireQfCases(sims.url, RECEIVING, RECEIVING.length * 2);
    // A little HubEE latency so the sweepers really overlap.
    sims.modules.hubee.faults.api.add({ latencyMs: 20 });

    const [a, b, c] = await Promise.all([sweep(), sweep(), sweep()]);
    expect(a!.communes + b!.communes + c!.communes).toBe(RECEIVING.length);
    expect(a!.cases + b!.cases + c!.cases).toBe(RECEIVING.length * 2);
    expect(a!.busyCommunes + b!.busyCommunes + c!.busyCommunes).toBe(0);
    expect(await storedCases()).toBe(RECEIVING.length * 2);
    const leased = await handle.db
      .select({ n: sql<number>`count(*)::int` })
      .from(hubeeInboxPolls)
      .where(sql`${hubeeInboxPolls.lockedUntil} is not null`);
    expect(leased[0]!.n).toBe(0);
  });

  it("sets aside at the 15-minute bound an inbox whose commune removed its credentials", async () => {
    await configure(BESANCON);
    await sweep();
    await handle.db.delete(collectivitySettings).where(eq(collectivitySettings.collectivityId, ids.get("Besançon")!));
    await makeDue(BESANCON);
    expect(await sweep()).toMatchObject({ communes: 1, cases: 0, failedCommunes: 0 });
    const after = (await schedule(BESANCON))!;
    expect(after).toMatchObject({ interval: 900, lockedUntil: null });
    expect(after.dueIn).toBeGreaterThan(890);
  });

  it("stops claiming when the worker shuts down", async () => {
    for (const c of DEMO_COMMUNES) await configure(c);
    const shutdown = new AbortController();
    shutdown.abort();
    expect(await ingestDueInboxes(handle.db, settings, { concurrency: 4, signal: shutdown.signal })).toMatchObject({
      communes: 0,
    });
  });

  it("shows the platform dashboard how stale the least recently read inbox is, and how many are overdue", async () => {
    await configure(ANGERS);
    await configure(BESANCON);
    expect((await loadPlatformStatistics(handle.db)).hubee.inboxes).toMatchObject({
      stalestMinutes: null,
      overdue: 0,
      boundMinutes: 15,
    });
    await sweep();
    // Besançon last read 20 minutes ago and due for 5: the workers are behind.
    await handle.db
      .update(hubeeInboxPolls)
      .set({ lastFinishedAt: sql`now() - interval '20 minutes'`, nextPollAt: sql`now() - interval '5 minutes'` })
      .where(eq(hubeeInboxPolls.collectivityId, ids.get("Besançon")!));
    expect((await loadPlatformStatistics(handle.db)).hubee.inboxes).toMatchObject({ stalestMinutes: 20, overdue: 1 });
    // A commune that removed its credentials is no longer counted.
    await handle.db.delete(collectivitySettings).where(eq(collectivitySettings.collectivityId, ids.get("Besançon")!));
    const inboxes = (await loadPlatformStatistics(handle.db)).hubee.inboxes;
    expect(inboxes.overdue).toBe(0);
    expect(inboxes.stalestMinutes).toBeLessThan(2);
  });
  it("an agent's click while a sweep holds the inbox gets it read again right after, for a file that came meanwhile", async () => {
    await configure(ANGERS);
    await sweep();
    // A sweeper (another process) holds Angers' inbox and has listed it; then a file arrives.
    await handle.db
      .update(hubeeInboxPolls)
      .set({ lockedUntil: sql`now() + interval '5 minutes'`, lastStartedAt: sql`now()` })
      .where(eq(hubeeInboxPolls.collectivityId, ids.get("Angers")!));
    await injectFormulaireQfCases(sims.url, [ANGERS], 1);
    expect(await ingestCommuneNow(handle.db, ids.get("Angers")!, settings)).toEqual({ status: "busy" });

    // The holder finishes and releases: due at once, at the base interval, whatever its read found.
    const [credentials] = await loadHubeeSiCredentials(handle.db, settings.encryptionKey, {
      collectivityId: ids.get("Angers")!,
    });
    const holderRead = await ingestLeased(handle.db, credentials!, settings, "sweep");
    expect(holderRead.status).toBe("done");
    expect(await schedule(ANGERS)).toMatchObject({ interval: 60, lockedUntil: null });
    expect((await schedule(ANGERS))!.dueIn).toBeLessThanOrEqual(0);
    expect((await sweep()).communes).toBe(1);

    // Without a click during the lease, a quiet release waits its interval.
    await makeDue(ANGERS);
    await handle.db
      .update(hubeeInboxPolls)
      .set({ lockedUntil: sql`now() + interval '5 minutes'` })
      .where(eq(hubeeInboxPolls.collectivityId, ids.get("Angers")!));
    await ingestLeased(handle.db, credentials!, settings, "sweep");
    expect((await schedule(ANGERS))!.dueIn).toBeGreaterThan(60);
  });
});
