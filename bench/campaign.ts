import { once } from "node:events";
import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../db/client.ts";
import { collectivities, collectivitySettings, qfCampaignItems } from "../db/schema/index.ts";
import { createCampaign } from "../app/portal/campaigns/campaigns.server.ts";
import { campaignConcurrency } from "../app/portal/campaigns/worker.server.ts";
import { sealSettingsSecret } from "../app/portal/settings/settings-secrets.server.ts";
import { DEMO_COMMUNES } from "../simulators/demo-data.ts";
import { isValidSiret } from "../app/utils/siret.ts";
import { collect, spawnEntryPoint } from "../tests/helpers/app-process.ts";
import { apiParticulierStats, insertSynthFamilies, providerAnswers } from "../tests/helpers/campaign-fixtures.ts";
import { startSimulatorProcess } from "../tests/helpers/simulator-process.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult } from "./lib.ts";

/**
 * Yearly campaigns against the API Particulier simulator (its own process) at the **real** limit,
 * 20 req/s per token: what matters is the rate the API sees, as a fraction of what it allows (not of
 * our pacer's target, 0.9 × the limit), counted from the simulator's own arrival times. 429s and
 * identities called twice are failures. Two sizes, each with 1, 2 and 3 worker processes sharing the
 * campaign; each run has its own commune, token and families, so the simulator's counts stay per run.
 */

const LIMIT = 20;
const WORKER_COUNTS = [1, 2, 3];

export interface CampaignBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

export async function runCampaignBench(options: CampaignBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const sizes = [...new Set([scaled(200, options.scale, 20), scaled(1_000, options.scale, 40)])];
  const scratch = await createBenchDatabase("campaign");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  const sims = await startSimulatorProcess(LIMIT);
  const key = crypto.randomBytes(32);
  try {
    const runs: Array<Awaited<ReturnType<typeof runOnce>>> = [];
    let firstIndex = 1;
    for (const families of sizes) {
      for (const workers of WORKER_COUNTS) {
        const commune = await runCommune(sims.url, runs.length);
        runs.push(
          await runOnce(handle.db, { scratchUrl: scratch.url, sims, key, commune, families, firstIndex, workers, log }),
        );
        firstIndex += families;
      }
    }
    const rows = runs.map((r) => [
      `${r.workers} processus`,
      r.families,
      r.apiCalls,
      fmt(r.elapsedS),
      fmt(r.achieved),
      `${fmt((100 * r.achieved) / LIMIT)} %`,
      `${fmt(r.perSecond.median)} / ${fmt(r.perSecond.p95)}`,
      r.densest,
      r.rateLimited,
      r.banned ? "oui" : "non",
      r.duplicates,
      r.statusCounts,
      r.perWorker,
    ]);
    const worst = Math.min(...runs.map((r) => r.achieved / LIMIT));
    const largest = runs.filter((r) => r.families === Math.max(...sizes));
    const markdown = [
      `Campagnes de ${sizes.map((n) => n.toLocaleString("fr-FR")).join(" et ")} familles (population synthétique ` +
        `SYNTH… du simulateur), simulateur d’API Particulier dans son propre processus à la limite réelle de ${LIMIT} ` +
        `req/s par jeton ; régulateur des campagnes à 0,9 × ${LIMIT} = ${fmt(0.9 * LIMIT)} req/s. Workers = vrais ` +
        "processus `tsx bench/campaign-worker.ts` (`runCampaignPasses` comme la tâche du worker, " +
        `${campaignConcurrency(0.9 * LIMIT)} appels en vol chacun). Tout est compté **au simulateur** : appels reçus, ` +
        "débit = intervalles entre arrivées ÷ durée de la première à la dernière, rapporté à la limite de l’API ; seconde la plus " +
        "dense sur fenêtre glissante ; 429 et identités appelées deux fois comptent comme des échecs.",
      "",
      table(
        [
          "Workers",
          "Familles",
          "Appels reçus",
          "Durée (s)",
          "Débit (req/s)",
          "÷ limite de l’API",
          "Par seconde, médiane / p95",
          "Seconde la plus dense",
          "429",
          "Banni",
          "Identités appelées 2 fois",
          "Issues des éléments",
          "Appels par worker",
        ],
        rows,
      ),
      "",
      "Le débit par seconde exclut la première et la dernière seconde (montée et queue). Le plafond est le " +
        "régulateur : 0,9 × la limite, moins le temps de réponse pendant lequel chaque appel garde sa place " +
        "(décision 014) ; ajouter des workers ne l’augmente pas pour un même jeton.",
    ].join("\n");
    return {
      name: "campaign",
      title: "Campagne annuelle contre API Particulier (limite réelle)",
      markdown,
      goals: [
        {
          label: `campagne : débit ≥ 80 % de la limite de l’API au plus grand volume (pire : ${fmt(
            (100 * Math.min(...largest.map((r) => r.achieved))) / LIMIT,
          )} % ; sur l’ensemble des tailles : ${fmt(100 * worst)} %)`,
          ok: largest.every((r) => r.achieved / LIMIT >= 0.8),
        },
        {
          label: `campagne : aucune seconde au-delà de ${LIMIT} appels au simulateur`,
          ok: runs.every((r) => r.densest <= LIMIT),
        },
        { label: "campagne : aucun 429, aucun bannissement", ok: runs.every((r) => r.rateLimited === 0 && !r.banned) },
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

/**
 * A commune and a token of its own for each run (the demo has fewer communes than runs): a SIRET
 * derived from a demo commune's, a token registered at the simulator with the demo token's scopes.
 */
async function runCommune(simulatorUrl: string, run: number) {
  const demo = DEMO_COMMUNES[run % DEMO_COMMUNES.length]!;
  const tokens = (await (await fetch(`${simulatorUrl}/__admin/apiParticulier/tokens`)).json()) as {
    tokens: Array<{ token: string; scopes: string[] }>;
  };
  const scopes = tokens.tokens.find((t) => t.token === demo.apiParticulierToken)?.scopes ?? [];
  const token = `bench-campagne-${run}-${crypto.randomUUID()}`;
  const created = await fetch(`${simulatorUrl}/__admin/apiParticulier/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, scopes, label: `bench ${run}` }),
  });
  if (created.status !== 201) throw new Error(`campagne : jeton non créé au simulateur (${created.status})`);
  // API Particulier checks the recipient's SIRET (Luhn): the establishment number varies, a check digit closes it.
  const base = `${demo.siret.slice(0, 9)}${String(9_000 + run)}`;
  const siret = [..."0123456789"].map((digit) => base + digit).find(isValidSiret)!;
  return { ...demo, siret, apiParticulierToken: token };
}

async function runOnce(
  db: Database,
  input: {
    scratchUrl: string;
    sims: { url: string; apiParticulierUrl: string };
    key: Buffer;
    commune: Awaited<ReturnType<typeof runCommune>>;
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
  // The API's view: arrival times at the simulator, not our send times.
  const arrivalsResponse = await fetch(
    `${input.sims.url}/__admin/apiParticulier/arrivals?token=${encodeURIComponent(input.commune.apiParticulierToken)}`,
  );
  const sends = ((await arrivalsResponse.json()) as { arrivals: number[] }).arrivals.sort((a, b) => a - b);
  if (sends.length === 0) throw new Error("campagne : le simulateur n’a reçu aucun appel");
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
    apiCalls: sends.length,
    // n arrivals span n − 1 intervals: the rate between the first and the last arrival.
    achieved: (sends.length - 1) / Math.max(elapsedS, 0.001),
    perSecond: summarize(steady.length ? steady : [sends.length]),
    densest: token?.densestWindow?.count ?? token?.maxPerSecond ?? 0,
    rateLimited: (token?.rateLimited ?? 0) + (token?.callsDuringRetryAfter ?? 0),
    banned: token?.banned ?? false,
    duplicates: duplicates.length,
    open,
    statusCounts: items.map((i) => `${i.status} ${i.n}`).join(", "),
    perWorker: results.map((r) => r.calls).join(" + "),
  };
}
