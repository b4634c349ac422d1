/*
 * Not a .server module: the inbox's "Exporter" control lists these formats in the browser too.
 */
import type { ExportFormat, ExportStatus } from "../../../db/schema/exports.ts";

export type { ExportFormat, ExportStatus };

export const EXPORT_FORMAT_INFO: Record<ExportFormat, { label: string; extension: string; mimeType: string }> = {
  csv: { label: "CSV (tableur, séparateur « ; »)", extension: "csv", mimeType: "text/csv; charset=utf-8" },
  xlsx: {
    label: "Excel (XLSX)",
    extension: "xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  },
  ods: { label: "OpenDocument (ODS)", extension: "ods", mimeType: "application/vnd.oasis.opendocument.spreadsheet" },
};

export const EXPORT_STATUS_LABELS: Record<ExportStatus, string> = {
  pending: "En attente",
  running: "En cours",
  ready: "Prête",
  failed: "Échouée",
};

export const isExportFormat = (value: unknown): value is ExportFormat =>
  typeof value === "string" && Object.hasOwn(EXPORT_FORMAT_INFO, value);
