import { once } from "node:events";
import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../db/client.ts";
import { collectivities, collectivitySettings, qfCampaignItems } from "../db/schema/index.ts";
import { createCampaign } from "../app/portal/campaigns/campaigns.server.ts";
import { campaignConcurrency } from "../app/portal/campaigns/worker.server.ts";
import { sealSettingsSecret } from "../app/portal/settings/settings-secrets.server.ts";
import { DEMO_COMMUNES } from "../simulators/demo-data.ts";
import { collect, spawnEntryPoint } from "../tests/helpers/app-process.ts";
import { apiParticulierStats, insertSynthFamilies, providerAnswers } from "../tests/helpers/campaign-fixtures.ts";
import { startSimulatorProcess } from "../tests/helpers/simulator-process.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult } from "./lib.ts";

/**
 * Yearly campaign against the API Particulier simulator (its own process, limit 200 req/s per
 * token), campaign limiter at 0.9 × 200 = 180 req/s. Baseline: the configured rate. Run once
 * with one worker process, once with two worker processes sharing the campaign (each run on its
 * own commune, token and families, so the simulator's per-identity counts stay per run).
 */

const LIMIT = 200;
const RATE = 0.9 * LIMIT;

export interface CampaignBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

export async function runCampaignBench(options: CampaignBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const families = scaled(10_000, options.scale, 50);
  const scratch = await createBenchDatabase("campaign");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  const sims = await startSimulatorProcess(LIMIT);
  const key = crypto.randomBytes(32);
  try {
    const runs = [];
    for (const [index, workers] of [1, 2].entries()) {
      const commune = DEMO_COMMUNES[index]!;
      const run = await runOnce(handle.db, {
        scratchUrl: scratch.url,
        sims,
        key,
        commune,
        families,
        firstIndex: 1 + index * families,
        workers,
        log,
      });
      runs.push(run);
    }
    const rows = runs.map((r) => [
      r.workers === 1 ? "1 processus" : "2 processus",
      r.families,
      fmt(r.elapsedS),
      fmt(r.achieved),
      `${fmt(r.perSecond.median)} / ${fmt(r.perSecond.p95)}`,
      `${fmt((100 * r.achieved) / RATE)} %`,
      r.maxPerSecond,
      r.banned ? "oui" : "non",
      r.duplicates,
      r.statusCounts,
      r.perWorker,
    ]);
    const worst = Math.min(...runs.map((r) => r.achieved / RATE));
    const markdown = [
      `${families.toLocaleString("fr-FR")} familles par campagne (population synthétique SYNTH… du simulateur), ` +
        `simulateur d’API Particulier dans son propre processus à ${LIMIT} req/s par jeton, limiteur des campagnes ` +
        `(partagé par la base) à 0,9 × ${LIMIT} = ${RATE} req/s : c’est la référence du rapport. Workers = vrais ` +
        "processus `tsx bench/campaign-worker.ts` (`runCampaignPasses` comme la tâche du worker : passes de 50 s " +
        `enchaînées, ${campaignConcurrency(RATE)} appels en vol chacun).`,
      "",
      table(
        [
          "Workers",
          "Familles",
          "Durée (s)",
          "Débit moyen (req/s)",
          "Débit par seconde, médiane / p95",
          "÷ débit configuré",
          "Max. sur 1 s glissante (simulateur)",
          "Banni",
          "Identités appelées 2 fois (réponse 200/404)",
          "Issues des éléments",
          "Appels par worker",
        ],
        rows,
      ),
      "",
      "Débit moyen = appels ÷ durée du premier au dernier envoi ; le débit par seconde exclut la première et la " +
        "dernière seconde (montée et queue).",
    ].join("\n");
    return {
      name: "campaign",
      title: "Campagne annuelle contre API Particulier",
      markdown,
      goals: [
        { label: `campagne : débit ≥ 90 % du débit configuré (pire : ${fmt(100 * worst)} %)`, ok: worst >= 0.9 },
        { label: "campagne : aucun bannissement", ok: runs.every((r) => !r.banned) },
        { label: "campagne : aucun appel en double", ok: runs.every((r) => r.duplicates === 0) },
        { label: "campagne : toutes les familles traitées", ok: runs.every((r) => r.open === 0) },
      ],
      durationMs: now() - started,
    };
  } finally {
    await sims.close();
    await handle.close();
    await scratch.drop();
  }
}

async function runOnce(
  db: Database,
  input: {
    scratchUrl: string;
    sims: { url: string; apiParticulierUrl: string };
    key: Buffer;
    commune: (typeof DEMO_COMMUNES)[number];
    families: number;
    firstIndex: number;
    workers: number;
    log: (line: string) => void;
  },
) {
  const [commune] = await db
    .insert(collectivities)
    .values({
      name: input.commune.name,
      siret: input.commune.siret,
      codeCog: input.commune.codeCog,
      departement: input.commune.departement,
    })
    .returning();
  await db.insert(collectivitySettings).values({
    collectivityId: commune!.id,
    apiParticulierTokenEncrypted: sealSettingsSecret(
      input.key,
      commune!.id,
      "api_particulier_token",
      input.commune.apiParticulierToken,
    ),
  });
  const inserted: { id: string; simulatorKey: string }[] = [];
  // 2,000 rows per statement keeps under PostgreSQL's 65,535 parameters.
  for (let offset = 0; offset < input.families; offset += 2_000) {
    const count = Math.min(2_000, input.families - offset);
    inserted.push(...(await insertSynthFamilies(db, commune!.id, count, input.firstIndex + offset)));
  }
  const campaign = (await createCampaign(db, {
    collectivityId: commune!.id,
    familyIds: "all",
    trigger: "agent",
    agentId: null,
  }))!;
  input.log(`campagne : ${input.families} familles, ${input.workers} worker(s)`);
  const children = Array.from({ length: input.workers }, (_, i) =>
    spawnEntryPoint("bench/campaign-worker.ts", {
      DATABASE_URL: input.scratchUrl,
      API_PARTICULIER_URL: input.sims.apiParticulierUrl,
      CAMPAIGN_LIMIT_PER_SECOND: String(LIMIT),
      CAMPAIGN_ENCRYPTION_KEY: input.key.toString("base64"),
      CAMPAIGN_WORKER_ID: `bench-${input.workers}-${i}`,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
    }),
  );
  const outputs = children.map((child) => collect(child));
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
  const results = outputs.map((output, i) => {
    const line = output()
      .stdout.split("\n")
      .find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`worker ${i} sans résultat : ${output().stderr.slice(-2_000)}`);
    return JSON.parse(line.slice(7)) as { calls: number; sends: number[]; byOutcome: Record<string, number> };
  });
  const sends = results.flatMap((r) => r.sends).sort((a, b) => a - b);
  const elapsedS = (sends[sends.length - 1]! - sends[0]!) / 1000;
  const buckets = new Map<number, number>();
  for (const t of sends) {
    const second = Math.floor((t - sends[0]!) / 1000);
    buckets.set(second, (buckets.get(second) ?? 0) + 1);
  }
  const lastSecond = Math.max(...buckets.keys());
  const steady = [...buckets.entries()].filter(([s]) => s > 0 && s < lastSecond).map(([, n]) => n);

  const stats = await apiParticulierStats(input.sims.url);
  const token = stats.tokens[input.commune.apiParticulierToken];
  const duplicates = inserted.filter((f) => providerAnswers(stats.identities[f.simulatorKey]?.byStatus ?? {}) > 1);
  const items = await db
    .select({ status: qfCampaignItems.status, n: sql<number>`count(*)::int` })
    .from(qfCampaignItems)
    .where(eq(qfCampaignItems.campaignId, campaign.id))
    .groupBy(qfCampaignItems.status);
  const open = items.filter((i) => i.status === "pending" || i.status === "in_progress").reduce((a, i) => a + i.n, 0);
  return {
    workers: input.workers,
    families: input.families,
    elapsedS,
    achieved: sends.length / Math.max(elapsedS, 0.001),
    perSecond: summarize(steady.length ? steady : [sends.length]),
    maxPerSecond: token?.maxPerSecond ?? 0,
    banned: token?.banned ?? false,
    duplicates: duplicates.length,
    open,
    statusCounts: items.map((i) => `${i.status} ${i.n}`).join(", "),
    perWorker: results.map((r) => r.calls).join(" + "),
  };
}
