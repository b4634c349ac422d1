import crypto from "node:crypto";
import { once } from "node:events";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import {
  caseAttachments,
  collectivities,
  collectivitySettings,
  families,
  qfCampaignItems,
  qfCampaigns,
  qfHistory,
  receivedCases,
} from "../../db/schema/index.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import {
  clearHubeeReceiverCache,
  ingestAllCommunes,
  type HubeeInboxSettings,
} from "../../app/portal/hubee-reception/hubee-inboxes.server.ts";
import { sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";
import { injectFormulaireQfCases } from "../../bench/ingestion.ts";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { collect, spawnEntryPoint } from "../helpers/app-process.ts";
import { apiParticulierStats, insertSynthFamilies, providerAnswers } from "../helpers/campaign-fixtures.ts";
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres.ts";
import { startSimulatorProcess } from "../helpers/simulator-process.ts";

/**
 * PostgreSQL restarted in the middle of a QF campaign and in the middle of a HubEE ingestion: both
 * resume and nothing is lost or doubled. The machine's PostgreSQL is shared, so the test starts
 * a private server (initdb + pg_ctl in a temporary folder) and restarts that one.
 */

const binaries = postgresBinaries();
if (!binaries) console.warn("tests/resilience/postgres-restart: PostgreSQL binaries missing, test skipped");

const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;
const PAU = DEMO_COMMUNES.find((c) => c.name === "Pau")!;
let pg: PrivatePostgres;
let handle: DatabaseHandle;

beforeAll(async () => {
  if (!binaries) return;
  pg = await startPrivatePostgres();
  handle = await openDatabase({ databaseUrl: pg.url, maxConnections: 6 });
});
afterAll(async () => {
  await handle?.close();
  await pg?.destroy();
});

const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timeout: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe.skipIf(!binaries)("PostgreSQL restart (private server)", () => {
  it("a campaign resumes after the restart, one result per family", { timeout: 90_000 }, async () => {
    const LIMIT = 50;
    const FAMILIES = 300;
    const key = crypto.randomBytes(32);
    const sims = await startSimulatorProcess(LIMIT);
    try {
      const [commune] = await handle.db
        .insert(collectivities)
        .values({ name: ANGERS.name, siret: ANGERS.siret, codeCog: ANGERS.codeCog, departement: "49" })
        .returning();
      await handle.db.insert(collectivitySettings).values({
        collectivityId: commune!.id,
        apiParticulierTokenEncrypted: sealSettingsSecret(
          key,
          commune!.id,
          "api_particulier_token",
          ANGERS.apiParticulierToken,
        ),
      });
      const fams = await insertSynthFamilies(handle.db, commune!.id, FAMILIES);
      const campaign = (await createCampaign(handle.db, {
        collectivityId: commune!.id,
        familyIds: "all",
        trigger: "agent",
        agentId: null,
      }))!;

      // The worker as the 10-second cron job runs it: a run that dies on a database error is
      // followed by the next one (here, started as soon as the previous process exits).
      let stop = false;
      let runs = 0;
      let crashed = 0;
      const supervisor = (async () => {
        while (!stop) {
          runs++;
          const child = spawnEntryPoint("bench/campaign-worker.ts", {
            DATABASE_URL: pg.url,
            API_PARTICULIER_URL: sims.apiParticulierUrl,
            CAMPAIGN_LIMIT_PER_SECOND: String(LIMIT),
            CAMPAIGN_ENCRYPTION_KEY: key.toString("base64"),
            CAMPAIGN_WORKER_ID: `worker-${runs}`,
            CAMPAIGN_CLAIM_LEASE_MS: "2000",
            CAMPAIGN_CALL_LEASE_MS: "12000",
            CAMPAIGN_MAX_MS: "40000",
            NODE_ENV: "test",
            LOG_LEVEL: "silent",
          });
          const output = collect(child);
          await once(child, "exit");
          if (!output().stdout.includes("RESULT ")) crashed++;
          const [row] = await handle.db
            .select({ status: qfCampaigns.status })
            .from(qfCampaigns)
            .where(eq(qfCampaigns.id, campaign.id))
            .catch(() => [{ status: "unknown" }]);
          if (row?.status === "done") break;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      })();

      await waitUntil(
        async () => ((await apiParticulierStats(sims.url)).tokens[ANGERS.apiParticulierToken]?.total ?? 0) > 60,
        40_000,
        "campaign under way",
      );
      await pg.restart(1_500);
      await supervisor;
      stop = true;

      const [done] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
      expect(done!.status).toBe("done");
      const items = await handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaign.id));
      expect(items.filter((i) => i.status === "pending" || i.status === "in_progress")).toEqual([]);
      const updated = items.filter((i) => i.status === "updated");
      expect(updated.length).toBeGreaterThan(FAMILIES * 0.9);
      const history = (await handle.db.select().from(qfHistory)).filter((h) => h.source === "yearly_update");
      expect(history).toHaveLength(updated.length);
      expect(new Set(history.map((h) => h.familyId)).size).toBe(history.length);
      const stats = await apiParticulierStats(sims.url);
      expect(stats.tokens[ANGERS.apiParticulierToken]!.banned).toBe(false);
      const twice = fams.filter((f) => providerAnswers(stats.identities[f.simulatorKey]?.byStatus ?? {}) > 1);
      // A call whose answer could not be recorded (database down) may be made again, at most
      // one per call in flight (16 per worker loop).
      expect(twice.length).toBeLessThanOrEqual(16);
      console.info(JSON.stringify({ runs, crashed, secondCalls: twice.length, updated: updated.length }));
    } finally {
      await sims.close();
    }
  });

  it("an ingestion resumes after the restart, each case stored and reported once", { timeout: 90_000 }, async () => {
    const CASES = 120;
    let sims: RunningSimulators | undefined;
    try {
      sims = await startSimulators({ port: 0 });
      clearHubeeReceiverCache();
      const settings: HubeeInboxSettings = {
        hubeeApiUrl: sims.hubeeApiUrl,
        hubeeTokenUrl: sims.hubeeTokenUrl,
        encryptionKey: crypto.randomBytes(32),
      };
      for (const c of [ANGERS, PAU]) {
        const [row] = await handle.db
          .insert(collectivities)
          .values({ name: c.name, siret: c.siret, codeCog: c.codeCog, departement: c.departement })
          .onConflictDoUpdate({ target: collectivities.siret, set: { name: c.name } })
          .returning();
        await handle.db
          .insert(collectivitySettings)
          .values({
            collectivityId: row!.id,
            hubeeSiClientId: c.hubeeSi.clientId,
            hubeeSiSecretEncrypted: sealSettingsSecret(
              settings.encryptionKey,
              row!.id,
              "hubee_si_secret",
              c.hubeeSi.clientSecret,
            ),
          })
          .onConflictDoUpdate({
            target: collectivitySettings.collectivityId,
            set: {
              hubeeSiClientId: c.hubeeSi.clientId,
              hubeeSiSecretEncrypted: sealSettingsSecret(
                settings.encryptionKey,
                row!.id,
                "hubee_si_secret",
                c.hubeeSi.clientSecret,
              ),
            },
          });
      }
      await injectFormulaireQfCases(sims.url, [ANGERS, PAU], CASES);
      // Slow HubEE a little so the restart lands in the middle of a run.
      sims.modules.hubee.faults.api.add({ latencyMs: 15 });

      const storedCount = async () =>
        (await handle.db.select({ n: sql<number>`count(*)::int` }).from(receivedCases))[0]!.n;
      let stop = false;
      // The scheduled job, every second, as long as the test wants.
      const job = (async () => {
        while (!stop) {
          await ingestAllCommunes(handle.db, settings).catch(() => {});
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      })();
      await waitUntil(async () => (await storedCount().catch(() => 0)) >= 20, 30_000, "ingestion under way");
      await pg.restart(1_500);
      sims.modules.hubee.faults.api.clear();
      await waitUntil(
        async () => {
          const n = await storedCount().catch(() => 0);
          // The communes' (SI) FormulaireQF queues: the sender's queue gets our status events, and the
          // demo's other démarche stays untouched, as it should.
          const queue = Object.entries(sims!.modules.hubee.notificationQueues())
            .filter(([owner]) => owner.startsWith("SI-"))
            .flatMap(([, byProcess]) => byProcess.FormulaireQF ?? []);
          return n === CASES && queue.length === 0;
        },
        50_000,
        "every case stored and every notification deleted",
      ).catch(async (error: unknown) => {
        const polls = await handle.db.execute(
          sql`select locked_until > now() as locked, last_error from hubee_inbox_polls`,
        );
        const queues = Object.entries(sims!.modules.hubee.notificationQueues()).map(([owner, byProcess]) => [
          owner,
          Object.fromEntries(Object.entries(byProcess).map(([p, list]) => [p, list.length])),
        ]);
        console.info(JSON.stringify({ stored: await storedCount(), polls, queues }));
        throw error;
      });
      stop = true;
      await job;

      const count = async (table: typeof caseAttachments) =>
        (await handle.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
      // The first test's campaign families share the database: count the transmitted ones.
      const [transmitted] = await handle.db
        .select({ n: sql<number>`count(*)::int` })
        .from(families)
        .where(sql`${families.familyName} like 'BENCH%'`);
      expect(transmitted!.n).toBe(CASES);
      expect(await count(caseAttachments)).toBe(3 * CASES);
      expect((await handle.db.select().from(qfHistory)).filter((h) => h.source === "transmission")).toHaveLength(CASES);
      // Reported to HubEE exactly once per case.
      const cases = sims.modules.hubee
        .folders()
        .filter((f) => f.processCode === "FormulaireQF")
        .flatMap((f) => f.cases);
      expect(cases).toHaveLength(CASES);
      for (const kase of cases) {
        const received = kase.events.filter(
          (e) => e.actionType === "STATUS_UPDATE" && e.caseNewStatus === "SI_RECEIVED",
        );
        expect(received, kase.id).toHaveLength(1);
      }
      const stored = await handle.db.select().from(receivedCases);
      expect(stored.every((c) => c.statusReportedAt !== null)).toBe(true);
    } finally {
      await sims?.close();
    }
  });
});
