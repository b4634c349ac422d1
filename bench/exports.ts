import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { sql as sqlTag } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, type Database } from "../db/client.ts";
import { tariffServices, tariffVersions } from "../db/schema/index.ts";
import { writeCsv } from "../app/portal/exports/csv-writer.server.ts";
import { createExportSource } from "../app/portal/exports/export-source.server.ts";
import { writeXlsx } from "../app/portal/exports/xlsx-writer.server.ts";
import { parseInboxQuery } from "../app/portal/dossiers/dossier-list-query.server.ts";
import { createCommune } from "../tests/helpers/portal-fixtures.ts";
import { insertManyFamilies } from "../tests/helpers/export-fixtures.ts";
import { createBenchDatabase, fmt, now, scaled, table, type BenchResult } from "./lib.ts";

/**
 * Exports of a commune's families at 10 000, 50 000 and 100 000 rows (× BENCH_SCALE), on
 * PostgreSQL. Baseline: `COPY (select … the same columns …) TO STDOUT` in CSV, streamed to a sink
 * — what the database alone costs. Then our CSV and XLSX exports of the "Tous" tab, streamed to
 * a sink the same way, with the process's peak heap and RSS sampled during each run: the claim
 * to check is that export memory does not grow with the number of rows.
 *
 *   npx tsx bench/exports.ts              # prints the Markdown table
 *   BENCH_SCALE=0.1 npx tsx bench/exports.ts
 * Also run by `npm run bench` (bench/suite.ts picks up runExportsBench).
 */

export interface ExportsBenchmarkOptions {
  scale: number;
  log?: (line: string) => void;
}

/** Counts what it is given and keeps nothing: the benchmark measures the export, not a file. */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.bytes += chunk.length;
    callback();
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Runs `work` while sampling memory. With `node --expose-gc` each sample (every 250 ms) first
 * collects garbage, so the peak is the heap the export really holds (retained), not garbage V8
 * has not collected yet; without it, samples every 10 ms give an upper bound (garbage included).
 */
async function measured(
  work: () => Promise<number>,
): Promise<{ ms: number; bytes: number; heapMb: number; rssMb: number }> {
  gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(
    () => {
      gc?.();
      const usage = process.memoryUsage();
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakRss = Math.max(peakRss, usage.rss);
    },
    gc ? 250 : 10,
  );
  const start = now();
  try {
    const bytes = await work();
    return { ms: now() - start, bytes, heapMb: (peakHeap - baseHeap) / 2 ** 20, rssMb: peakRss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** The export's columns in SQL, as close as SQL gets (dates as text, no bracket lookup). */
const COPY_SELECT = `select
  (select rc.reference from received_cases rc where rc.family_id = f.id order by rc.received_at desc limit 1),
  to_char(f.received_at at time zone 'Europe/Paris', 'DD/MM/YYYY'), f.status, f.family_name, f.given_names,
  f.birthdate, f.qf_value, f.qf_mois, f.qf_annee, f.qf_provider,
  f.members->'allocataires'->0->>'nom_naissance', f.members->'allocataires'->0->>'nom_usage',
  f.members->'allocataires'->0->>'prenoms', f.members->'allocataires'->0->>'date_naissance',
  f.members->'allocataires'->1->>'nom_naissance', f.members->'allocataires'->1->>'nom_usage',
  f.members->'allocataires'->1->>'prenoms', f.members->'allocataires'->1->>'date_naissance',
  f.address->>'numero_libelle_voie', f.address->>'code_postal_ville', f.address->>'pays', f.children_count,
  f.external_id, to_char(f.qf_updated_at at time zone 'Europe/Paris', 'DD/MM/YYYY'),
  (select h.value from qf_history h where h.family_id = f.id order by h.annee desc, h.mois desc, h.recorded_at desc offset 1 limit 1),
  f.id
from families f where f.collectivity_id = '__ID__' order by f.received_at desc, f.id desc`;

/**
 * A connection of its own for each COPY: a postgres.js connection that served a COPY stream
 * sometimes never took the next query (seen here), which would hang the benchmark.
 */
async function copyBaseline(url: string, collectivityId: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const query = COPY_SELECT.replace("__ID__", collectivityId);
    const stream = await sql.unsafe(`copy (${query}) to stdout with (format csv, delimiter ';', header)`).readable();
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return bytes;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Three published services, one per kind of rule (issue 19): the exports then carry three price
 * columns, computed in the stream from rules loaded once.
 */
async function addThreeServices(db: Database, collectivityId: string): Promise<void> {
  const common = { noQfPriceCents: 450, roundingCents: 1, siblingReduction: null };
  const services = [
    {
      name: "Restauration scolaire",
      rule: {
        kind: "grid",
        brackets: [
          { label: "A", min: 0, max: 500, priceCents: 90 },
          { label: "B", min: 501, max: 1000, priceCents: 250 },
          { label: "C", min: 1001, max: null, priceCents: 450 },
        ],
        ...common,
      },
    },
    {
      name: "Accueil du soir",
      rule: { kind: "effort", rate: 3200, floorCents: 50, ceilingCents: 420, ...common, roundingCents: 5 },
    },
    {
      name: "Accueil de loisirs",
      rule: { kind: "linear", qf1: 300, price1Cents: 400, qf2: 1500, price2Cents: 1600, ...common },
    },
  ];
  for (const { name, rule } of services) {
    const [service] = await db.insert(tariffServices).values({ collectivityId, name, unit: "journee" }).returning();
    await db
      .insert(tariffVersions)
      .values({ serviceId: service!.id, collectivityId, status: "published", validFrom: "2020-09-01", rule });
  }
}

async function ourExport(db: Database, collectivityId: string, write: typeof writeCsv): Promise<number> {
  const source = await createExportSource(db, {
    collectivityId,
    query: parseInboxQuery(new URLSearchParams("onglet=tous")),
    asOf: new Date(),
  });
  const sink = new CountingSink();
  await write(source, sink);
  return sink.bytes;
}

export async function runExportsBenchmark(options: ExportsBenchmarkOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const sizes = [10_000, 50_000, 100_000].map((size) => scaled(size, options.scale, 100));
  // Per process: two runs at once (a smoke test and a full run) must not drop each other's database.
  const scratch = await createBenchDatabase(`exports_${process.pid}`);
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  const rows: (string | number)[][] = [];
  const peaks: { size: number; csvHeap: number; xlsxHeap: number; csvMs: number; copyMs: number }[] = [];
  try {
    const commune = await createCommune(handle.db, "Commune de mesure", 9001);
    await addThreeServices(handle.db, commune.id);
    let inserted = 0;
    for (const size of sizes) {
      // The commune grows to each size in turn (the fixture numbers rows from 1 each call: names repeat, ids do not).
      await insertManyFamilies(handle.db, commune.id, size - inserted);
      inserted = size;
      await handle.db.execute(sqlTag`analyze families`);
      log(`exports: ${size} familles`);
      // Warm-up: plans and caches, so the first timed run is not penalised.
      await copyBaseline(scratch.url, commune.id);
      const copy = await measured(() => copyBaseline(scratch.url, commune.id));
      log(`exports: COPY ${fmt(copy.ms)} ms`);
      const csv = await measured(() => ourExport(handle.db, commune.id, writeCsv));
      log(`exports: CSV ${fmt(csv.ms)} ms`);
      const xlsx = await measured(() => ourExport(handle.db, commune.id, writeXlsx));
      log(`exports: XLSX ${fmt(xlsx.ms)} ms`);
      peaks.push({ size, csvHeap: csv.heapMb, xlsxHeap: xlsx.heapMb, csvMs: csv.ms, copyMs: copy.ms });
      rows.push([
        size.toLocaleString("fr-FR"),
        `${fmt(copy.ms)} ms (${fmt(copy.bytes / 2 ** 20)} Mo)`,
        `${fmt(csv.ms)} ms (${fmt(csv.bytes / 2 ** 20)} Mo)`,
        `× ${fmt(csv.ms / copy.ms)}`,
        `${fmt(xlsx.ms)} ms (${fmt(xlsx.bytes / 2 ** 20)} Mo)`,
        `${fmt(csv.heapMb)} / ${fmt(csv.rssMb, 0)}`,
        `${fmt(xlsx.heapMb)} / ${fmt(xlsx.rssMb, 0)}`,
      ]);
    }
  } finally {
    await handle.close();
    await scratch.drop();
  }
  const first = peaks[0]!;
  const last = peaks[peaks.length - 1]!;
  // Bounded memory: ten times the rows must not mean (anywhere near) ten times the heap.
  const bounded = (small: number, large: number) => large <= Math.max(2 * small, small + 32);
  const slowest = Math.max(...peaks.map((p) => p.csvMs / p.copyMs));
  const goals = [
    {
      label: `Export CSV avec trois colonnes de tarifs ≤ 3 × COPY : pire rapport × ${fmt(slowest)}`,
      ok: slowest <= 3,
    },
    {
      label: `Export CSV en mémoire bornée : pic de tas ${fmt(first.csvHeap)} Mo à ${first.size} lignes, ${fmt(last.csvHeap)} Mo à ${last.size}`,
      ok: bounded(first.csvHeap, last.csvHeap),
    },
    {
      label: `Export XLSX en mémoire bornée : pic de tas ${fmt(first.xlsxHeap)} Mo à ${first.size} lignes, ${fmt(last.xlsxHeap)} Mo à ${last.size}`,
      ok: bounded(first.xlsxHeap, last.xlsxHeap),
    },
  ];
  const markdown = [
    "Une commune dont les dossiers passent de 10 000 à 50 000 puis 100 000 (× échelle). Référence : `COPY (…) TO STDOUT`",
    "en CSV des mêmes colonnes, lu en flux. Nos exports (onglet « Tous », lots de 500 par pagination par clé) écrivent",
    "dans un puits qui compte les octets ; la commune a trois services publiés (grille, taux d’effort, linéaire), soit",
    "trois colonnes de tarif par ligne, calculées dans le flux. Mémoire : pic du tas au-dessus du tas de départ / pic RSS du processus, en Mo ;",
    gc
      ? "tas **retenu** : chaque échantillon (toutes les 250 ms) suit un ramasse-miettes forcé (`node --expose-gc`)."
      : "échantillons toutes les 10 ms sans ramasse-miettes forcé : le tas compte les déchets pas encore ramassés " +
        "(lancer avec `node --expose-gc --import tsx bench/exports.ts` pour le tas retenu).",
    "",
    table(
      ["Familles", "COPY", "Export CSV", "CSV / COPY", "Export XLSX", "Tas / RSS CSV (Mo)", "Tas / RSS XLSX (Mo)"],
      rows,
    ),
  ].join("\n");
  return { name: "exports", title: "Exports (CSV, XLSX) contre COPY", markdown, goals, durationMs: now() - started };
}

/** The name bench/suite.ts looks for. */
export const runExportsBench = runExportsBenchmark;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.LOG_LEVEL ??= "silent";
  const scale = process.env.BENCH_SCALE ? Number(process.env.BENCH_SCALE) : 1;
  const result = await runExportsBenchmark({ scale, log: (line) => console.info(line) });
  console.info(result.markdown);
  for (const goal of result.goals) console.info(`${goal.ok ? "✔" : "✘"} ${goal.label}`);
  process.exit(0);
}
