import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { sql as sqlTag } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase } from "../db/client.ts";
import { createExportSource } from "../app/portal/exports/export-source.server.ts";
import { EXPORT_WRITERS } from "../app/portal/exports/exports.server.ts";
import { isExportFormat } from "../app/portal/exports/export-formats.ts";
import { parseInboxQuery } from "../app/portal/dossiers/dossier-list-query.server.ts";

/**
 * One export in a process of its own, for bench/exports.ts: the memory an export costs is the
 * RSS this process gains while it runs, which a long-lived benchmark process (its heap already
 * grown by earlier runs and fixtures) cannot show. Everything the export needs is loaded and the
 * database opened before the first RSS reading, so the growth is the export's, not the imports'.
 *
 *   node --import tsx bench/export-child.ts <database url> <commune id> <copy|csv|xlsx|ods>
 *
 * Prints one line: `RESULT {…}` (ChildResult) — the export runs twice: first measured for memory
 * and cold time, then again for the warm time.
 */

export type ChildFormat = "copy" | "csv" | "xlsx" | "ods";

export interface ChildResult {
  format: ChildFormat;
  rssBeforeMb: number;
  /** The kernel's peak (process.resourceUsage().maxRSS): catches spikes between samples. */
  maxRssMb: number;
  /** The highest of the 10 ms samples, a cross-check on maxRSS. */
  sampledPeakMb: number;
  /** maxRssMb − rssBeforeMb: an upper bound of what the export added (the peak may predate it). */
  growthMb: number;
  rows: number;
  bytes: number;
  /** The first export of the process (cold JIT), the one whose RSS is measured. */
  coldMs: number;
  /** A second export in the same process, after the RSS reading: the time compared with COPY. */
  ms: number;
}

/** Counts what it is given and keeps nothing, as a client reading the download as fast as it comes. */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.bytes += chunk.length;
    callback();
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

const mb = (bytes: number) => bytes / 2 ** 20;

/**
 * Opens what the export needs, then measures the export alone: RSS before, 10 ms samples and the
 * kernel's peak after the first run; the time of a second run. COPY gets a postgres.js connection
 * per run, opened beforehand (one that served a COPY stream never took the next query: seen here,
 * the second run hung); our formats use the app's pool and writers.
 */
export async function runOneExport(url: string, collectivityId: string, format: ChildFormat): Promise<ChildResult> {
  let sink = new CountingSink();
  let work: () => Promise<number>;
  let close: () => Promise<void>;
  if (format === "copy") {
    const connections = [0, 1].map(() => postgres(url, { max: 1, onnotice: () => {} }));
    await Promise.all(connections.map((sql) => sql`select 1`));
    const unused = [...connections];
    close = async () => {
      await Promise.all(connections.map((sql) => sql.end({ timeout: 1 })));
    };
    work = async () => {
      const sql = unused.shift()!;
      sink = new CountingSink();
      const query = COPY_SELECT.replace("__ID__", collectivityId);
      const stream = await sql.unsafe(`copy (${query}) to stdout with (format csv, delimiter ';', header)`).readable();
      let lines = 0;
      for await (const chunk of stream) {
        const buffer = chunk as Buffer;
        sink.bytes += buffer.length;
        for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) lines++;
      }
      return lines - 1;
    };
  } else {
    // As the route: the app's pool (4 connections here), one source, the format's writer.
    const handle = await openDatabase({ databaseUrl: url, maxConnections: 4 });
    await handle.db.execute(sqlTag`select 1`);
    close = () => handle.close();
    work = async () => {
      sink = new CountingSink();
      const source = await createExportSource(handle.db, {
        collectivityId,
        query: parseInboxQuery(new URLSearchParams("onglet=tous")),
        asOf: new Date(),
      });
      let rows = 0;
      await EXPORT_WRITERS[format](source, sink, (n) => {
        rows += n;
      });
      return rows;
    };
  }
  try {
    const rssBefore = process.memoryUsage().rss;
    let sampledPeak = rssBefore;
    const timer = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 10);
    let cold: { rows: number; ms: number };
    try {
      cold = await timed(work);
    } finally {
      clearInterval(timer);
    }
    // Read before the second run: maxRSS is the process's peak since it started, hence ≥ rssBefore.
    const maxRss = Math.max(process.resourceUsage().maxRSS * 1024, sampledPeak);
    const bytes = sink.bytes;
    // The time that compares with COPY is the second run's: a web process serving exports has its
    // code compiled by then, and the first run's JIT warm-up would weigh on small sizes only.
    const warm = await timed(work);
    if (warm.rows !== cold.rows) throw new Error(`export ${format} : ${cold.rows} puis ${warm.rows} lignes`);
    return {
      format,
      rssBeforeMb: mb(rssBefore),
      maxRssMb: mb(maxRss),
      sampledPeakMb: mb(sampledPeak),
      growthMb: mb(maxRss - rssBefore),
      rows: cold.rows,
      bytes,
      coldMs: cold.ms,
      ms: warm.ms,
    };
  } finally {
    await close();
  }
}

async function timed(work: () => Promise<number>): Promise<{ rows: number; ms: number }> {
  const start = performance.now();
  const rows = await work();
  return { rows, ms: performance.now() - start };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, collectivityId, format] = process.argv.slice(2);
  if (!url || !collectivityId || !(format === "copy" || isExportFormat(format)))
    throw new Error("usage : export-child.ts <url> <commune> <copy|csv|xlsx|ods>");
  const result = await runOneExport(url, collectivityId, format);
  console.info(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}
