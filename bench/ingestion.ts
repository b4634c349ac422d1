import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase } from "../db/client.ts";
import { caseAttachments, collectivities, collectivitySettings, receivedCases } from "../db/schema/index.ts";
import { duboisShipment } from "../tests/fixtures/shipment-data.ts";
import { buildAttachments } from "../app/formulaire-qf/index.ts";
import { buildFormulaireQfJson } from "../app/formulaire-qf/json.ts";
import { buildFormulaireQfXml } from "../app/formulaire-qf/xml.ts";
import { pivotIdentityFromClaims } from "../app/auth/franceconnect-claims.ts";
import { loadHubeeSiCredentials } from "../app/portal/settings/hubee-si-credentials.server.ts";
import {
  ingestAllCommunes,
  receiverFor,
  type HubeeInboxSettings,
} from "../app/portal/hubee-reception/hubee-inboxes.server.ts";
import {
  CASES_IN_PARALLEL,
  INBOX_BATCH_SIZE,
  MAX_BATCHES_PER_RUN,
} from "../app/portal/hubee-reception/poll-inbox.server.ts";
import { sealSettingsSecret } from "../app/portal/settings/settings-secrets.server.ts";
import { DEMO_COMMUNES } from "../simulators/demo-data.ts";
import { startSimulatorProcess } from "../tests/helpers/simulator-process.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult } from "./lib.ts";

/**
 * HubEE ingestion: notifications (three attachments each: FormulaireQF.json, .xml and the PDF)
 * injected into the HubEE simulator (its own process) for the four subscribed demo communes, then
 * read by the real scheduled job (`ingestAllCommunes`, 4 communes at a time) until every case is
 * stored. The receiver of each commune is wrapped to time its HubEE calls: the rest of a run is
 * our code (parsing, digests, database).
 */

const SUBSCRIBED = ["Angers", "Besançon", "Pau", "Ajaccio"];
/** What a real HubEE takes per call, added by the simulator in the second reading. */
const LATENCY_MS = 50;

export interface IngestionBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

export async function runIngestionBench(options: IngestionBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const total = scaled(10_000, options.scale, 8);
  const scratch = await createBenchDatabase("ingestion");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 10 });
  const sims = await startSimulatorProcess(20);
  const settings: HubeeInboxSettings = {
    hubeeApiUrl: `${sims.url}/hubee`,
    hubeeTokenUrl: `${sims.url}/hubee-auth/oauth2/token`,
    encryptionKey: crypto.randomBytes(32),
  };
  try {
    const communes = DEMO_COMMUNES.filter((c) => SUBSCRIBED.includes(c.name));
    for (const c of communes) {
      const [row] = await handle.db
        .insert(collectivities)
        .values({ name: c.name, siret: c.siret, codeCog: c.codeCog, departement: c.departement })
        .returning();
      await handle.db.insert(collectivitySettings).values({
        collectivityId: row!.id,
        hubeeSiClientId: c.hubeeSi.clientId,
        hubeeSiSecretEncrypted: sealSettingsSecret(
          settings.encryptionKey,
          row!.id,
          "hubee_si_secret",
          c.hubeeSi.clientSecret,
        ),
      });
    }

    log(`ingestion : injection de ${total} télédossiers dans le simulateur HubEE`);
    const injection = now();
    await injectFormulaireQfCases(sims.url, communes, total);
    const injectionS = (now() - injection) / 1000;
    log(`ingestion : injection faite en ${fmt(injectionS)} s`);

    // Wrap each commune's cached receiver: time spent waiting on HubEE, per commune and per run. A
    // commune's cases are fetched concurrently, so the waits overlap: what counts is the time during
    // which at least one call is in flight, not the sum of the calls' durations (which exceeded the
    // commune's working time).
    const credentials = await loadHubeeSiCredentials(handle.db, settings.encryptionKey);
    const hubeeMs = new Map<string, number>();
    const inFlight = new Map<string, { count: number; since: number }>();
    const calls = new Map<string, number[]>();
    const spans = new Map<string, { first: number; last: number }>();
    for (const c of credentials) {
      const receiver = receiverFor(c, settings) as unknown as Record<string, unknown>;
      for (const [name, fn] of Object.entries(receiver)) {
        if (typeof fn !== "function") continue;
        // One array per call name, appended to: copying it on every call (as eb098bd did) cost more CPU
        // than the ingestion it measured once tens of thousands of calls were recorded.
        const samples = calls.get(name) ?? [];
        calls.set(name, samples);
        receiver[name] = async (...args: unknown[]) => {
          const t = now();
          const span = spans.get(c.collectivityId) ?? { first: t, last: t };
          spans.set(c.collectivityId, span);
          const flight = inFlight.get(c.collectivityId) ?? { count: 0, since: t };
          if (flight.count === 0) flight.since = t;
          flight.count++;
          inFlight.set(c.collectivityId, flight);
          try {
            return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
          } finally {
            const end = now();
            span.last = end;
            flight.count--;
            if (flight.count === 0) {
              hubeeMs.set(c.collectivityId, (hubeeMs.get(c.collectivityId) ?? 0) + (end - flight.since));
            }
            samples.push(end - t);
          }
        };
      }
    }

    const ingestUntil = async (expected: number) => {
      const runStarted = now();
      let runs = 0;
      for (;;) {
        spans.clear();
        const summary = await ingestAllCommunes(handle.db, settings);
        runs++;
        for (const [id, span] of spans) busy.set(id, (busy.get(id) ?? 0) + (span.last - span.first));
        if (summary.failed > 0 || summary.failedCommunes > 0) log(`ingestion : run ${runs} avec échecs`);
        const [{ n }] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(receivedCases);
        if (n >= expected) break;
        if (runs > expected) throw new Error("ingestion : pas de progrès");
      }
      return { runs, wallS: (now() - runStarted) / 1000 };
    };
    const busy = new Map<string, number>();
    const { runs, wallS } = await ingestUntil(total);
    const [{ n: files }] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(caseAttachments);
    const [{ n: cases }] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(receivedCases);
    const totalHubee = [...hubeeMs.values()].reduce((a, b) => a + b, 0);
    const totalBusy = [...busy.values()].reduce((a, b) => a + b, 0);
    const hubeeShare = totalHubee / Math.max(totalBusy, 1);
    // The calls of one reading, then emptied for the next (each wrapper appends to its own array).
    const takeCallRows = () =>
      [...calls.entries()]
        .filter(([, samples]) => samples.length > 0)
        .map(([name, samples]) => {
          const s = summarize(samples);
          const row = [`\`${name}\``, s.n, fmt(s.median), fmt(s.p95), fmt(samples.reduce((a, b) => a + b, 0) / 1000)];
          samples.length = 0;
          return row;
        });
    const callRows = takeCallRows();

    // A real HubEE answers in tens of milliseconds, not in one: the same reading with LATENCY_MS added to
    // every API call by the simulator, on fresh cases.
    const slowTotal = scaled(3_000, options.scale, 8);
    log(`ingestion : ${slowTotal} télédossiers de plus, ${LATENCY_MS} ms ajoutées à chaque appel HubEE`);
    await injectFormulaireQfCases(sims.url, communes, slowTotal, total);
    const fault = await fetch(`${sims.url}/__admin/hubee/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ target: "api", latencyMs: LATENCY_MS }),
    });
    if (fault.status !== 201) throw new Error(`ingestion : latence HubEE non réglée (${fault.status})`);
    const slow = await ingestUntil(total + slowTotal);
    const slowRate = slowTotal / slow.wallS;
    const slowCallRows = takeCallRows();
    const markdown = [
      `${total.toLocaleString("fr-FR")} télédossiers FormulaireQF (JSON, XML, PDF) répartis sur ${communes.length} ` +
        `communes, lus par la vraie tâche planifiée \`ingestAllCommunes\` (4 communes à la fois, ${runs} passages ; ` +
        `un passage lit au plus ${(MAX_BATCHES_PER_RUN * INBOX_BATCH_SIZE).toLocaleString("fr-FR")} notifications par commune, ${CASES_IN_PARALLEL} télédossiers d’une commune à la fois). Simulateur HubEE dans son propre processus. ` +
        `Injection préalable (non mesurée) : ${fmt(injectionS)} s.`,
      "",
      table(
        ["Mesure", "Valeur"],
        [
          ["Dossiers stockés", cases],
          ["Pièces jointes stockées", files],
          ["Durée totale (s)", fmt(wallS)],
          ["Dossiers par seconde", fmt(cases / wallS)],
          ["Fichiers par seconde", fmt(files / wallS)],
          ["Part du temps avec un appel HubEE en cours (HTTP + simulateur)", `${fmt(100 * hubeeShare)} %`],
          ["Part du temps sans appel HubEE en cours (analyse, empreintes, base)", `${fmt(100 * (1 - hubeeShare))} %`],
          [`Avec ${LATENCY_MS} ms par appel HubEE : dossiers`, slowTotal],
          [`Avec ${LATENCY_MS} ms par appel HubEE : durée (s)`, fmt(slow.wallS)],
          [`Avec ${LATENCY_MS} ms par appel HubEE : dossiers par seconde`, fmt(slowRate)],
        ],
      ),
      "",
      "Appels HubEE (millisecondes) :",
      "",
      table(["Appel", "Nombre", "Médiane", "p95", "Total (s)"], callRows),
      "",
      `Appels HubEE avec ${LATENCY_MS} ms ajoutées par le simulateur (millisecondes) :`,
      "",
      table(["Appel", "Nombre", "Médiane", "p95", "Total (s)"], slowCallRows),
      "",
      "La part est le temps pendant lequel au moins un appel HubEE d’une commune est en cours (ses appels se " +
        "recouvrent : leurs durées ne s’additionnent pas), rapporté au temps de travail de chaque commune (du premier " +
        "au dernier appel HubEE de chaque passage). Le simulateur tourne sur la même machine : une partie de son " +
        "temps est du processeur pris à notre processus.",
    ].join("\n");
    return {
      name: "ingestion",
      title: "Relève HubEE",
      markdown,
      goals: [
        { label: `relève : ${cases}/${total} dossiers stockés, ${files} fichiers`, ok: cases === total },
        {
          label: `relève : ${fmt(slowRate)} dossiers/s avec ${LATENCY_MS} ms par appel HubEE (objectif ≥ 50)`,
          ok: slowRate >= 50,
        },
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
 * `count` FormulaireQF folders from the national form into the HubEE simulator's inbox of the
 * given communes (round robin), through its admin inject route. Each case is a distinct family
 * (name and birth date vary); the PDF is only stored by the portal, so one is built for all.
 */
export async function injectFormulaireQfCases(
  simulatorUrl: string,
  communes: { name: string; siret: string; codeCog: string }[],
  count: number,
  firstIndex = 0,
) {
  const pdf = (await buildAttachments(duboisShipment()))[2]!;
  let next = firstIndex;
  const inject = async () => {
    for (let i = next++; i < firstIndex + count; i = next++) {
      const commune = communes[i % communes.length]!;
      const reference = (0xb0000000000 + i).toString(16).toUpperCase().padStart(13, "0");
      const data = duboisShipment({
        reference,
        externalId: `DOSSIER-${i}`,
        collectivity: { name: commune.name, siret: commune.siret, codeCog: commune.codeCog },
        pivotIdentity: pivotIdentityFromClaims({
          family_name: `BENCH${i}`,
          given_name: "Camille",
          gender: i % 2 ? "female" : "male",
          birthdate: `19${60 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
          birthplace: "75107",
          birthcountry: "99100",
        }),
      });
      const externalId = `Formulaire-QF-${reference}`;
      const response = await fetch(`${simulatorUrl}/__admin/hubee/folders/inject`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          recipientSiret: commune.siret,
          externalId,
          caseExternalId: externalId,
          applicant: { firstName: "Camille", lastName: `BENCH${i}` },
          attachments: [
            { fileName: "FormulaireQF.json", mimeType: "application/json", content: buildFormulaireQfJson(data) },
            { fileName: "FormulaireQF.xml", mimeType: "application/xml", content: buildFormulaireQfXml(data) },
            pdf,
          ].map((f) => ({
            fileName: f.fileName,
            mimeType: f.mimeType,
            contentBase64: Buffer.from(f.content).toString("base64"),
          })),
        }),
      });
      if (response.status !== 201) throw new Error(`injection ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, inject));
}
