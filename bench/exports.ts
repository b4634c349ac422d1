import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sql as sqlTag } from "drizzle-orm";
import { openDatabase, type Database } from "../db/client.ts";
import { tariffServices, tariffVersions } from "../db/schema/index.ts";
import { createCommune } from "../tests/helpers/portal-fixtures.ts";
import { insertManyFamilies } from "../tests/helpers/export-fixtures.ts";
import type { ChildFormat, ChildResult } from "./export-child.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult, type Summary } from "./lib.ts";

/**
 * Exports of a commune's families at 10 000, 50 000 and 100 000 rows (× BENCH_SCALE), on
 * PostgreSQL. Baseline: `COPY (select … the same columns …) TO STDOUT` in CSV, streamed to a sink
 * — what the database alone costs. Then our CSV, XLSX and ODS exports of the "Tous" tab, streamed
 * to a sink the same way. Each export (COPY included) runs RUNS times, each time in a fresh
 * process (bench/export-child.ts) that reports its time and the RSS it gained: the claim to check
 * is that export memory does not grow with the number of rows, and a fresh process is the only
 * place where an export's RSS is not hidden by what earlier runs already grew.
 *
 *   npx tsx bench/exports.ts              # prints the Markdown table
 *   BENCH_SCALE=0.1 npx tsx bench/exports.ts
 * Also run by `npm run bench` (bench/suite.ts picks up runExportsBench).
 */

export interface ExportsBenchmarkOptions {
  scale: number;
  log?: (line: string) => void;
}

/** At least three runs per format and size: a median, and a spread that shows the noise. */
const RUNS = 3;
const FORMATS: ChildFormat[] = ["copy", "csv", "xlsx", "ods"];
const LABELS: Record<ChildFormat, string> = { copy: "COPY", csv: "CSV", xlsx: "XLSX", ods: "ODS" };
const CHILD = fileURLToPath(new URL("./export-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Heap caps tried at the largest size (`--max-old-space-size`, MiB): what a cap on the exporting
 * process costs in time, and what it saves in memory (ADR 039). The first is the worker's, where
 * exports run in production (`npm run start:worker`): the memory goals are checked under it.
 */
const WORKER_HEAP_CAP_MB = 256;
const HEAP_CAPS_MB = [WORKER_HEAP_CAP_MB, 128, 64];

/** One export in a fresh `node --import tsx` process; its time excludes the process's start and imports. */
async function runChild(url: string, collectivityId: string, format: ChildFormat): Promise<ChildResult> {
  const result = await runChildUnderCap(url, collectivityId, format);
  if (!result) throw new Error(`export ${format} : tas épuisé sans plafond`);
  return result;
}

/** runChild under `heapCapMb`; null when the process ran out of heap (V8's fatal error, exit code ≠ 0). */
async function runChildUnderCap(
  url: string,
  collectivityId: string,
  format: ChildFormat,
  heapCapMb?: number,
): Promise<ChildResult | null> {
  const nodeArgs = heapCapMb ? [`--max-old-space-size=${heapCapMb}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", CHILD, url, collectivityId, format], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (heapCapMb && code !== 0 && /heap out of memory/i.test(stderr)) return null;
  if (code !== 0 || !line) throw new Error(`export ${format} : processus sorti (${code}) : ${stderr.slice(-500)}`);
  return JSON.parse(line.slice("RESULT ".length)) as ChildResult;
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

const CAPPED_FORMATS = ["csv", "xlsx", "ods"] as const;

interface CappedCell {
  cap: number;
  format: (typeof CAPPED_FORMATS)[number];
  /** Runs that ended in V8's "heap out of memory". */
  outOfHeap: number;
  ms: Summary | null;
  growthMb: Summary | null;
}

interface Cell {
  ms: Summary;
  coldMs: Summary;
  growthMb: Summary;
  bytes: number;
  rows: number;
}

export async function runExportsBenchmark(options: ExportsBenchmarkOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  // Distinct sizes only: at smoke scale all three round to the 100-row floor.
  const sizes = [...new Set([10_000, 50_000, 100_000].map((size) => scaled(size, options.scale, 100)))];
  // Per process: two runs at once (a smoke test and a full run) must not drop each other's database.
  const scratch = await createBenchDatabase(`exports_${process.pid}`);
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  const cells = new Map<number, Record<ChildFormat, Cell>>();
  const capped: CappedCell[] = [];
  const smoke = options.scale < 0.05;
  const caps = smoke ? [WORKER_HEAP_CAP_MB] : HEAP_CAPS_MB;
  const capRuns = smoke ? 1 : RUNS;
  try {
    const commune = await createCommune(handle.db, "Commune de mesure", 9001);
    await addThreeServices(handle.db, commune.id);
    let inserted = 0;
    for (const size of sizes) {
      // The commune grows to each size in turn (the fixture numbers rows from 1 each call: names repeat, ids do not).
      await insertManyFamilies(handle.db, commune.id, size - inserted);
      inserted = size;
      await handle.db.execute(sqlTag`analyze families`);
      log(`exports : ${size} familles`);
      // Warm-up of the database side (plans, shared buffers), so the first timed run is not penalised.
      await runChild(scratch.url, commune.id, "copy");
      const runs = new Map<ChildFormat, ChildResult[]>(FORMATS.map((f) => [f, []]));
      // Formats interleaved run by run: a load change on the shared machine hits every format alike.
      for (let run = 0; run < RUNS; run++) {
        for (const format of FORMATS) {
          const result = await runChild(scratch.url, commune.id, format);
          if (result.rows !== size) throw new Error(`export ${format} : ${result.rows} lignes au lieu de ${size}`);
          runs.get(format)!.push(result);
          log(
            `exports : ${LABELS[format]} ${fmt(result.coldMs)} ms à froid, ${fmt(result.ms)} ms, RSS +${fmt(result.growthMb)} Mo`,
          );
        }
      }
      const cell = (format: ChildFormat): Cell => {
        const results = runs.get(format)!;
        return {
          ms: summarize(results.map((r) => r.ms)),
          coldMs: summarize(results.map((r) => r.coldMs)),
          growthMb: summarize(results.map((r) => r.growthMb)),
          bytes: results[0]!.bytes,
          rows: results[0]!.rows,
        };
      };
      cells.set(size, { copy: cell("copy"), csv: cell("csv"), xlsx: cell("xlsx"), ods: cell("ods") });
    }
    // The commune now holds the largest size: the same exports under each heap cap (at smoke
    // scale, the worker's cap once, to prove the path runs).
    for (const cap of caps) {
      for (const format of CAPPED_FORMATS) {
        const results: ChildResult[] = [];
        let outOfHeap = 0;
        for (let run = 0; run < capRuns; run++) {
          const result = await runChildUnderCap(scratch.url, commune.id, format, cap);
          if (result) results.push(result);
          else outOfHeap++;
          log(
            `exports : ${LABELS[format]} sous ${cap} Mo de tas : ` +
              (result ? `${fmt(result.ms)} ms, RSS +${fmt(result.growthMb)} Mo` : "tas épuisé"),
          );
        }
        capped.push({
          cap,
          format,
          outOfHeap,
          ms: results.length ? summarize(results.map((r) => r.ms)) : null,
          growthMb: results.length ? summarize(results.map((r) => r.growthMb)) : null,
        });
      }
    }
  } finally {
    await handle.close();
    await scratch.drop();
  }

  const spread = (s: Summary, digits = 1) => `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
  const timeRows = sizes.map((size) => {
    const c = cells.get(size)!;
    return [
      size.toLocaleString("fr-FR"),
      ...FORMATS.map((f) => `${spread(c[f].ms, 0)} ms, ${fmt(c[f].bytes / 2 ** 20)} Mo`),
      ...(["csv", "xlsx", "ods"] as const).map((f) => `× ${fmt(c[f].ms.median / c.copy.ms.median)}`),
    ];
  });
  const memoryRows = sizes.map((size) => {
    const c = cells.get(size)!;
    return [
      size.toLocaleString("fr-FR"),
      ...FORMATS.map((f) => `${spread(c[f].growthMb)} ; ${fmt(c[f].coldMs.median, 0)} ms`),
    ];
  });

  const first = cells.get(sizes[0]!)!;
  const last = cells.get(sizes[sizes.length - 1]!)!;
  const cappedRows = caps.map((cap) => [
    `${cap} Mo`,
    ...CAPPED_FORMATS.map((format) => {
      const c = capped.find((x) => x.cap === cap && x.format === format)!;
      const uncapped = last[format];
      if (!c.ms || !c.growthMb) return `tas épuisé (${c.outOfHeap} sur ${capRuns})`;
      return (
        `${spread(c.ms, 0)} ms (× ${fmt(c.ms.median / uncapped.ms.median, 2)}), RSS +${fmt(c.growthMb.median)} Mo` +
        (c.outOfHeap ? `, tas épuisé ${c.outOfHeap} fois sur ${capRuns}` : "")
      );
    }),
  ]);
  // Bounded memory: ten times the rows must not mean (anywhere near) ten times the RSS growth.
  const bounded = (small: number, large: number) => large <= 2 * small + 20;
  const slowest = Math.max(...sizes.map((size) => cells.get(size)!.csv.ms.median / cells.get(size)!.copy.ms.median));
  const goals = [
    {
      label: `Export CSV avec trois colonnes de tarifs ≤ 3 × COPY (médianes de ${RUNS} exécutions) : pire rapport × ${fmt(slowest)}`,
      ok: slowest <= 3,
    },
    // Under the worker's cap, as exports run in production (ADR 039). Without a cap, V8 lets the
    // heap grow towards its default limit (4 GiB on a 24 GiB machine) before collecting: the
    // uncapped growth is in the table, but says how V8 sizes its heap, not what an export keeps.
    ...CAPPED_FORMATS.map((format) => {
      const underCap = capped.find((c) => c.cap === WORKER_HEAP_CAP_MB && c.format === format)!;
      const growth = underCap.growthMb?.median ?? null;
      return {
        label:
          `Export ${LABELS[format]} en mémoire bornée sous le plafond du worker (${WORKER_HEAP_CAP_MB} Mio) : ` +
          `croissance du RSS à ${last.csv.rows} lignes ≤ 2 × celle à ${first.csv.rows} sans plafond + 20 Mo, ` +
          `médianes, sans tas épuisé : ${fmt(first[format].growthMb.median)} Mo → ` +
          (growth === null ? "tas épuisé" : `${fmt(growth)} Mo`) +
          (underCap.outOfHeap ? ` (tas épuisé ${underCap.outOfHeap} fois)` : ""),
        ok: growth !== null && underCap.outOfHeap === 0 && bounded(first[format].growthMb.median, growth),
      };
    }),
  ];
  const markdown = [
    "Une commune dont les dossiers passent de 10 000 à 50 000 puis 100 000 (× échelle). Référence : `COPY (…) TO STDOUT`",
    "en CSV des mêmes colonnes, lu en flux. Nos exports (onglet « Tous », lots de 500 par pagination par clé) écrivent",
    "dans un puits qui compte les octets ; la commune a trois services publiés (grille, taux d’effort, linéaire), soit",
    "trois colonnes de tarif par ligne, calculées dans le flux.",
    "",
    `Chaque export, \`COPY\` compris, est lancé ${RUNS} fois, chaque fois dans un **processus neuf**`,
    "(`bench/export-child.ts`), formats entrelacés ; on donne la médiane (min–max). Le processus fait l’export deux",
    "fois : la première pour la mémoire, la seconde pour le temps ci-dessous, celui d’un processus web qui a déjà",
    "compilé son code (sans démarrage ni imports).",
    "",
    table(
      ["Familles", ...FORMATS.map((f) => `${LABELS[f]} (ms)`), "CSV / COPY", "XLSX / COPY", "ODS / COPY"],
      timeRows,
    ),
    "",
    "Mémoire : **croissance du RSS** du processus pendant l’export, en Mo — pic du noyau",
    "(`process.resourceUsage().maxRSS`, au besoin relevé par des échantillons toutes les 10 ms) moins le RSS juste",
    "avant l’export (modules chargés, base ouverte). C’est un majorant : le pic pourrait dater d’avant l’export.",
    "Après le point-virgule, le temps médian de ce premier export (JIT froid).",
    "",
    table(["Familles", ...FORMATS.map((f) => `${LABELS[f]} (Mo ; ms à froid)`)], memoryRows),
    "",
    `### Sous un plafond de tas, à ${last.csv.rows.toLocaleString("fr-FR")} lignes`,
    "",
    "Les mêmes exports, chacun dans un processus neuf lancé avec `--max-old-space-size` (Mio) : temps (médiane, " +
      "min–max, et rapport à la même mesure sans plafond, tableau du haut) et croissance du RSS (médiane). " +
      "« Tas épuisé » : le processus s’est arrêté sur l’erreur fatale de V8.",
    "",
    table(["Plafond", ...CAPPED_FORMATS.map((f) => LABELS[f])], cappedRows),
  ].join("\n");
  return {
    name: "exports",
    title: "Exports (CSV, XLSX, ODS) contre COPY",
    markdown,
    goals,
    durationMs: now() - started,
  };
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
