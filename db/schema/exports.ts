import { sql } from "drizzle-orm";
import { customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";

/**
 * Exports of family files that the worker builds in the background (large inbox scopes), and
 * their files. Small exports are streamed straight to the agent and never stored here.
 * See docs/decisions/007-exports.md.
 *
 * PERSONAL DATA: `export_chunks.data` is a file of family data and `exports.query` may hold a
 * name searched by the agent. Both are deleted when the export expires (24 h).
 */

export const EXPORT_FORMATS = ["csv", "xlsx", "ods"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_STATUSES = ["pending", "running", "ready", "failed"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** postgres.js hands back a Buffer, PGlite a Uint8Array: callers always get a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  toDriver: (value) => value,
});

export const familyExports = pgTable(
  "exports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id, { onDelete: "cascade" }),
    requestedBy: uuid("requested_by").references(() => agents.id, { onDelete: "set null" }),
    format: text("format", { enum: EXPORT_FORMATS }).notNull(),
    /** Personal (a searched name, possibly): the inbox query (InboxQuery) the file was built from. */
    query: jsonb("query").$type<Record<string, unknown>>().notNull(),
    /** Canonical inbox query (URL params without paging), to find an identical recent export. */
    queryKey: text("query_key").notNull(),
    /** The instant relative periods ("cette semaine") were resolved at, so the worker sees the same scope. */
    asOf: timestamp("as_of", { withTimezone: true }).notNull(),
    /** Fingerprint of the commune's family data when requested: an unchanged one allows reuse. */
    dataVersion: text("data_version").notNull(),
    status: text("status", { enum: EXPORT_STATUSES }).notNull().default("pending"),
    /** Rows in scope when requested (the progress bar's end); rows written so far. */
    totalRows: integer("total_rows").notNull().default(0),
    processedRows: integer("processed_rows").notNull().default(0),
    byteSize: integer("byte_size"),
    /** Download name, e.g. familles-angers-2026-11-26.xlsx (no personal data). */
    fileName: text("file_name").notNull(),
    /** Why it failed, in French, for agents (no personal data). */
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    /** A worker holds the export until then; a crashed worker's export is taken again after it. */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** Purged (row and file) after this instant. */
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    index("exports_reuse_idx").on(table.collectivityId, table.queryKey, table.format, table.createdAt.desc()),
    index("exports_pending_idx")
      .on(table.createdAt)
      .where(sql`${table.status} in ('pending', 'running')`),
    index("exports_expires_idx").on(table.expiresAt),
  ],
);

export type ExportRow = typeof familyExports.$inferSelect;

/** The file of a background export, in ordered chunks so it is written and read back as a stream. */
export const exportChunks = pgTable(
  "export_chunks",
  {
    exportId: uuid("export_id")
      .notNull()
      .references(() => familyExports.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    /** Personal: part of the export file. */
    data: bytea("data").notNull(),
  },
  (table) => [primaryKey({ columns: [table.exportId, table.seq] })],
);
