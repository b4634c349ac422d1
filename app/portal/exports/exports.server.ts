import crypto from "node:crypto";
import { PassThrough, Readable, type Writable } from "node:stream";
import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../../db/client.ts";
import { exportChunks, familyExports, type ExportRow } from "../../../db/schema/index.ts";
import { logger } from "../../utils/logger.server";
import { recordAudit } from "../../audit/audit.server";
import { inboxSearchParams, presetStartDay, REFERENCE, type InboxQuery } from "../dossiers/dossier-list-query.server";
import { mailExportFinished } from "./export-mails.server";
import { ChunkWriter, readChunks } from "./chunk-writer.server";
import { parisDayOf } from "./export-columns";
import { EXPORT_FORMAT_INFO, type ExportFormat } from "./export-formats";
import { createExportSource, type ExportSource } from "./export-source.server";
import { writeCsv } from "./csv-writer.server";
import { writeOds } from "./ods-writer.server";
import { writeXlsx } from "./xlsx-writer.server";
import { ExportAborted, type ProgressFn } from "./write-stream.server";

/**
 * Exports of the inbox's current scope. Up to the threshold the file is streamed straight into
 * the HTTP response; above it the worker builds it into export_chunks and the agent follows a
 * status page. Files live 24 h; an identical request reuses the file while the commune's data is
 * unchanged. Erasing or purging family files invalidates the commune's files built before.
 * See docs/decisions/007-exports.md.
 */

/** Files and their rows are deleted this long after they were ready (or requested, if never). */
export const EXPORT_RETENTION_MS = 24 * 3_600_000;
/** A worker holds a running export this long between progress updates before another may take it. */
const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;

export const EXPORT_WRITERS: Record<
  ExportFormat,
  (source: ExportSource, out: Writable, progress?: ProgressFn) => Promise<void>
> = { csv: writeCsv, xlsx: writeXlsx, ods: writeOds };

const NO_PRICE_FILTER = { priceColumns: [], priceService: null, priceMin: null, priceMax: null } as const;

/** The inbox query as a stable key: paging left out (an export takes every page). */
export function exportQueryKey(query: InboxQuery, asOf: Date): string {
  const params = inboxSearchParams(query, { page: null, parPage: null });
  // A relative period ("cette semaine") means other days next week: key on the day it starts.
  if (query.period) params.set("depuis", presetStartDay(query.period, asOf));
  params.sort();
  return params.toString();
}

/** What the audit trail keeps of the filters: no searched name (personal data), only that there was one. */
export function auditFilters(query: InboxQuery): Record<string, unknown> {
  const q = query.q.trim();
  return {
    tab: query.tab,
    search: q === "" ? null : REFERENCE.test(q) ? { reference: q.toUpperCase() } : { name: true },
    period: query.period,
    from: query.from,
    to: query.to,
    qfMin: query.qfMin,
    qfMax: query.qfMax,
    provider: query.provider,
    children: query.children,
    status: query.status,
    sort: query.sort,
    direction: query.direction,
  };
}

/** "familles-saint-etienne-2026-11-26.csv": ASCII, no personal data. */
export function exportFileName(communeName: string, format: ExportFormat, now: Date): string {
  const slug = communeName
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `familles-${slug || "commune"}-${parisDayOf(now)}.${EXPORT_FORMAT_INFO[format].extension}`;
}

/**
 * Fingerprint of everything an export shows for the commune: families (count, latest change,
 * latest reception, latest QF), tariff brackets and published tariffs. Equal fingerprints → the same file.
 */
export async function exportDataVersion(db: Database, collectivityId: string): Promise<string> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select
      (select count(*)::text || '|' || coalesce(max(updated_at)::text, '') || '|' || coalesce(max(received_at)::text, '')
         || '|' || coalesce(max(qf_updated_at)::text, '')
       from families where collectivity_id = ${collectivityId}) as families,
      (select coalesce(string_agg(position || ':' || label || ':' || min_value || ':' || coalesce(max_value::text, ''), ',' order by position), '')
       from tariff_brackets where collectivity_id = ${collectivityId}) as brackets,
      (select case when count(*) = 0 then '' else count(*)::text || '|' || max(updated_at)::text || '|' || current_date::text end
       from tariff_versions where collectivity_id = ${collectivityId} and status = 'published') as tariffs`,
  );
  return (
    crypto
      .createHash("sha256")
      // Prices in force change with the published versions and with the day (a version starts).
      .update(`${String(row?.families)}#${String(row?.brackets)}#${String(row?.tariffs)}`)
      .digest("hex")
      .slice(0, 32)
  );
}

export interface ExportRequest {
  collectivity: { id: string; name: string };
  agentId: string;
  query: InboxQuery;
  format: ExportFormat;
  /** Above this many rows the export runs in the worker (EXPORT_BACKGROUND_THRESHOLD). */
  threshold: number;
  requestId?: string | null;
  now?: Date;
}

export type ExportDecision =
  | { mode: "direct"; rows: number; fileName: string; source: ExportSource }
  | { mode: "background"; rows: number; exportId: string; reused: boolean };

/** Decides how to serve an export request, records it in the audit trail, and queues it if needed. */
export async function requestExport(db: Database, input: ExportRequest): Promise<ExportDecision> {
  const now = input.now ?? new Date();
  const source = await createExportSource(db, { collectivityId: input.collectivity.id, query: input.query, asOf: now });
  const rows = await source.count();
  const fileName = exportFileName(input.collectivity.name, input.format, now);
  const audit = (details: Record<string, unknown>, exportId?: string) =>
    recordAudit(db, {
      actor: input.agentId,
      collectivityId: input.collectivity.id,
      action: "family_file.exported",
      targetType: exportId ? "export" : "collectivity",
      targetId: exportId ?? input.collectivity.id,
      requestId: input.requestId,
      details: { format: input.format, rows, filters: auditFilters(input.query), ...details },
    });

  if (rows <= input.threshold) {
    await audit({ mode: "direct" });
    return { mode: "direct", rows, fileName, source };
  }

  const queryKey = exportQueryKey(input.query, now);
  const dataVersion = await exportDataVersion(db, input.collectivity.id);
  const [existing] = await db
    .select({ id: familyExports.id })
    .from(familyExports)
    .where(
      and(
        eq(familyExports.collectivityId, input.collectivity.id),
        eq(familyExports.queryKey, queryKey),
        eq(familyExports.format, input.format),
        inArray(familyExports.status, ["pending", "running", "ready"]),
        gt(familyExports.expiresAt, sql`${now.toISOString()}::timestamptz`),
        // Only a file of the very same data: never one that still shows an erased family, or an
        // old QF, however recent it is.
        eq(familyExports.dataVersion, dataVersion),
      ),
    )
    .orderBy(desc(familyExports.createdAt))
    .limit(1);
  if (existing) {
    await audit({ mode: "background", reused: true }, existing.id);
    return { mode: "background", rows, exportId: existing.id, reused: true };
  }
  const [created] = await db
    .insert(familyExports)
    .values({
      collectivityId: input.collectivity.id,
      requestedBy: input.agentId,
      format: input.format,
      query: input.query as unknown as Record<string, unknown>,
      queryKey,
      asOf: now,
      dataVersion,
      totalRows: rows,
      fileName,
      createdAt: now,
      expiresAt: new Date(now.getTime() + EXPORT_RETENTION_MS),
    })
    .returning({ id: familyExports.id });
  await audit({ mode: "background", reused: false }, created!.id);
  logger.info({ exportId: created!.id, rows, format: input.format }, "export queued");
  return { mode: "background", rows, exportId: created!.id, reused: false };
}

/** Error messages may quote a value (a name): logs keep the error's kind only. */
const errorName = (error: unknown) => (error instanceof Error ? error.name : "unknown");

/** Response headers of an export file download. */
export function exportHeaders(format: ExportFormat, fileName: string, byteSize?: number | null): Headers {
  const headers = new Headers({
    "Content-Type": EXPORT_FORMAT_INFO[format].mimeType,
    "Content-Disposition": `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    // Family data: never kept by a browser or proxy cache.
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  if (byteSize) headers.set("Content-Length", String(byteSize));
  return headers;
}

/**
 * The file of a direct export as a web stream: the writer fills a small PassThrough and waits
 * whenever the HTTP client has not read what it holds, so memory stays at about one batch.
 */
export function streamExport(format: ExportFormat, source: ExportSource): ReadableStream<Uint8Array> {
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  EXPORT_WRITERS[format](source, out).catch((error: unknown) => {
    if (!(error instanceof ExportAborted)) logger.error({ err: errorName(error), format }, "direct export failed");
    // A broken file must not look complete: the download ends in error.
    out.destroy(error instanceof Error ? error : new Error("export failed"));
  });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

export async function findExport(db: Database, collectivityId: string, exportId: string): Promise<ExportRow | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(exportId)) return null;
  const [row] = await db
    .select()
    .from(familyExports)
    .where(and(eq(familyExports.id, exportId), eq(familyExports.collectivityId, collectivityId)));
  return row ?? null;
}

/** The commune's exports still kept, most recent first. */
export async function listExports(db: Database, collectivityId: string, now = new Date()): Promise<ExportRow[]> {
  return db
    .select()
    .from(familyExports)
    .where(
      and(
        eq(familyExports.collectivityId, collectivityId),
        gt(familyExports.expiresAt, sql`${now.toISOString()}::timestamptz`),
      ),
    )
    .orderBy(desc(familyExports.createdAt))
    .limit(50);
}

/** A ready export's stored file as a web stream (one chunk in memory at a time). */
export function storedExportStream(db: Database, exportId: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(Readable.from(readChunks(db, exportId))) as ReadableStream<Uint8Array>;
}

/** Takes the oldest waiting export (or one whose worker died) for this worker; null when none. */
export async function claimExport(db: Database, now = new Date()): Promise<ExportRow | null> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const lease = sql`${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz`;
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`update exports set status = 'running', started_at = ${at}, lease_until = ${lease},
          attempts = attempts + 1, processed_rows = 0
        where id = (
          select id from exports
          where (status = 'pending' or (status = 'running' and lease_until < ${at}))
            and attempts < ${MAX_ATTEMPTS} and expires_at > ${at}
          order by created_at limit 1 for update skip locked)
        returning id`,
  );
  if (!row) return null;
  const [claimed] = await db.select().from(familyExports).where(eq(familyExports.id, row.id));
  return claimed ?? null;
}

/** Builds one claimed export into export_chunks, with progress; marks it ready or failed. */
export async function buildExport(
  db: Database,
  job: ExportRow,
  options: { batchSize?: number; onProgress?: ProgressFn } = {},
): Promise<void> {
  // A retry after a crash starts the file over.
  await db.delete(exportChunks).where(eq(exportChunks.exportId, job.id));
  try {
    const out = new ChunkWriter(db, job.id);
    let processed = 0;
    const write = async (reader: DbExecutor) => {
      const source = await createExportSource(
        reader,
        {
          collectivityId: job.collectivityId,
          // A job queued before the price filter existed has no price fields: none means no price filter.
          query: { ...NO_PRICE_FILTER, ...(job.query as unknown as InboxQuery) },
          asOf: job.asOf,
        },
        options,
      );
      await EXPORT_WRITERS[job.format](source, out, progress);
    };
    const progress: ProgressFn = async (rows) => {
      processed += rows;
      const still = await db
        .update(familyExports)
        .set({ processedRows: processed, leaseUntil: new Date(Date.now() + LEASE_MS) })
        .where(and(eq(familyExports.id, job.id), eq(familyExports.status, "running")))
        .returning({ id: familyExports.id });
      // Invalidated meanwhile (a family file was erased or purged): stop writing.
      if (still.length === 0) throw new ExportInvalidated();
      await options.onProgress?.(processed);
    };
    if (job.format !== "csv" && !isPglite(db)) {
      // XLSX and ODS read the scope twice (Familles, then Membres): one REPEATABLE READ snapshot
      // makes both sheets show the same families. Only the reads use it; chunks and progress
      // are written on other connections, so they are seen (and committed) as they go.
      await db.transaction(async (tx) => write(tx), {
        isolationLevel: "repeatable read",
        accessMode: "read only",
      });
    } else {
      await write(db);
    }
    const finishedAt = new Date();
    const ready = await db.transaction(async (t) => {
      const rows = await t
        .update(familyExports)
        .set({
          status: "ready",
          processedRows: processed,
          totalRows: processed,
          byteSize: out.bytes,
          finishedAt,
          leaseUntil: null,
          expiresAt: new Date(finishedAt.getTime() + EXPORT_RETENTION_MS),
        })
        .where(and(eq(familyExports.id, job.id), eq(familyExports.status, "running")))
        .returning({ id: familyExports.id });
      if (rows.length > 0) {
        await mailExportFinished(t, {
          exportId: job.id,
          collectivityId: job.collectivityId,
          requestedBy: job.requestedBy,
          ready: true,
        });
      }
      return rows;
    });
    if (ready.length === 0) throw new ExportInvalidated();
    logger.info({ exportId: job.id, rows: processed, bytes: out.bytes }, "export ready");
  } catch (error) {
    if (error instanceof ExportInvalidated) logger.info({ exportId: job.id }, "export invalidated while building");
    else logger.error({ err: errorName(error), exportId: job.id }, "export failed");
    await db.delete(exportChunks).where(eq(exportChunks.exportId, job.id));
    // An invalidated export keeps the reason it was given.
    await db.transaction(async (t) => {
      const failed = await t
        .update(familyExports)
        .set({
          status: "failed",
          finishedAt: new Date(),
          leaseUntil: null,
          error: "La génération du fichier a échoué. Relancez l’export depuis la liste des dossiers.",
        })
        .where(and(eq(familyExports.id, job.id), eq(familyExports.status, "running")))
        .returning({ id: familyExports.id });
      if (failed.length > 0) {
        await mailExportFinished(t, {
          exportId: job.id,
          collectivityId: job.collectivityId,
          requestedBy: job.requestedBy,
          ready: false,
        });
      }
    });
  }
}

/**
 * PGlite answers one query at a time for the whole process: a transaction held for a whole
 * export would stall every other query (and the export's own chunk writes). There, XLSX and ODS
 * read their two sheets without a common snapshot.
 */
function isPglite(db: Database): boolean {
  const client = (db as unknown as { $client?: unknown }).$client;
  return typeof client === "object" && client !== null && "waitReady" in client;
}

/** The export was invalidated while the worker built it. */
class ExportInvalidated extends Error {
  override name = "ExportInvalidated";
}

/** What an agent reads about an export file deleted because a family file was deleted. */
export const EXPORT_INVALIDATED_ERROR =
  "Ce fichier a été supprimé : un dossier qu’il contenait a été effacé depuis. Relancez l’export pour obtenir les données à jour.";

/**
 * Right to erasure and retention purge: the commune's export files built (or being built)
 * before may show the deleted families, so they are deleted and their exports marked failed,
 * with the reason. Waiting exports are kept: they will read the data as it is then. Run it in
 * the deletion's transaction. Returns how many files went.
 */
export async function invalidateCommuneExports(
  db: DbExecutor,
  collectivityId: string,
  now = new Date(),
): Promise<number> {
  const invalidated = await db
    .update(familyExports)
    .set({ status: "failed", error: EXPORT_INVALIDATED_ERROR, finishedAt: now, leaseUntil: null, byteSize: null })
    .where(and(eq(familyExports.collectivityId, collectivityId), inArray(familyExports.status, ["running", "ready"])))
    .returning({ id: familyExports.id });
  if (invalidated.length > 0) {
    await db.delete(exportChunks).where(
      inArray(
        exportChunks.exportId,
        invalidated.map((row) => row.id),
      ),
    );
  }
  return invalidated.length;
}

/** How many of the commune's export files invalidateCommuneExports would delete now. */
export async function countCommuneExportFiles(db: Database, collectivityId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(familyExports)
    .where(and(eq(familyExports.collectivityId, collectivityId), inArray(familyExports.status, ["running", "ready"])));
  return Number(row?.n ?? 0);
}

/** Worker run: builds waiting exports one after the other until none is left or time is up. */
export async function runPendingExports(
  db: Database,
  options: { until?: number; batchSize?: number } = {},
): Promise<{ built: number }> {
  let built = 0;
  while (options.until === undefined || Date.now() < options.until) {
    const job = await claimExport(db);
    if (!job) break;
    await buildExport(db, job, options);
    built++;
  }
  return { built };
}

/** Deletes expired exports and their files, and gives up on exports whose workers kept dying. */
export async function purgeExports(db: Database, now = new Date()): Promise<{ purged: number; abandoned: number }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const abandoned = await db
    .update(familyExports)
    .set({
      status: "failed",
      finishedAt: now,
      error: "La génération du fichier a été interrompue plusieurs fois. Relancez l’export.",
    })
    .where(
      and(
        eq(familyExports.status, "running"),
        lt(familyExports.leaseUntil, at),
        sql`${familyExports.attempts} >= ${MAX_ATTEMPTS}`,
      ),
    )
    .returning({ id: familyExports.id });
  const purged = await db
    .delete(familyExports)
    .where(lt(familyExports.expiresAt, at))
    .returning({ id: familyExports.id });
  // A failed export keeps no file (a worker that died while cleaning up may have left chunks).
  await db
    .delete(exportChunks)
    .where(
      inArray(
        exportChunks.exportId,
        db.select({ id: familyExports.id }).from(familyExports).where(eq(familyExports.status, "failed")),
      ),
    );
  return { purged: purged.length, abandoned: abandoned.length };
}
