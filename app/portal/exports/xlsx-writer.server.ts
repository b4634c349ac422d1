import { setTimeout as delay } from "node:timers/promises";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import {
  familyColumns,
  frenchDay,
  fullDay,
  MEMBER_COLUMNS,
  membersOf,
  neutraliseFormula,
  type CellValue,
  type ColumnType,
  type ExportColumn,
} from "./export-columns";
import type { ExportSource } from "./export-source.server";
import type { SheetTable } from "./sheet-table";
import { ExportAborted, type ProgressFn } from "./write-stream.server";

/**
 * XLSX with exceljs's streaming WorkbookWriter: rows are committed as they come, inline strings
 * (no shared-strings table that would grow with the file), typed cells, a frozen bold header,
 * column widths and an autofilter. The "Familles" sheet is written and committed first, then
 * "Membres" in a second pass over the same scope: the zip is written entry after entry, so a
 * sheet still open while another is written would wait in memory.
 */

/**
 * exceljs pushes committed rows into the zip without waiting for it (no backpressure), so
 * after each batch we wait until the output has room and what is queued for the current sheet
 * drops below this. The queue is read from exceljs's internal buffers; if those ever change
 * shape, it reads 0 and only the output check remains (the export benchmark would show it).
 */
const MAX_QUEUED_BYTES = 2 * 1024 * 1024;

interface QueuedState {
  length?: number;
}
interface InternalStream {
  pipes?: { _readableState?: QueuedState; _writableState?: QueuedState }[];
  /** exceljs's ReadWriteBuf: bytes between its read and write positions. */
  buffers?: { iRead?: number; iWrite?: number }[];
}

function queuedBytes(sheet: ExcelJS.Worksheet): number {
  const stream = (sheet as unknown as { _stream?: InternalStream })._stream;
  if (!stream) return 0;
  let total = 0;
  for (const pipe of stream.pipes ?? [])
    total += (pipe._readableState?.length ?? 0) + (pipe._writableState?.length ?? 0);
  for (const buffer of stream.buffers ?? []) total += (buffer.iWrite ?? 0) - (buffer.iRead ?? 0);
  return total;
}

async function waitForZip(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  // Let the zip's deflate callbacks run: with an in-process database (PGlite) the reads may
  // resolve without ever returning to the event loop, and the zip would not move at all.
  await new Promise((resolve) => setImmediate(resolve));
  // Wait while the reader has not taken what the zip already gave it (out full), or while
  // exceljs holds too much that the zip has not taken yet.
  while (out.writableNeedDrain || queuedBytes(sheet) > MAX_QUEUED_BYTES) {
    if (out.destroyed) throw new ExportAborted();
    await delay(1);
  }
  if (out.destroyed) throw new ExportAborted();
}

function xlsxValue(value: CellValue, type: ColumnType): string | number | Date | null {
  // Cents to euros for display only: the cell is formatted 0.00, the sum of cents stays exact to the cent.
  if (type === "cents" && typeof value === "number") return value / 100;
  if (value === null || typeof value === "number") return value;
  if (type === "date") {
    const day = fullDay(value);
    // exceljs turns a Date into the spreadsheet's day number from its UTC time.
    return day ? new Date(Date.UTC(day[0], day[1] - 1, day[2])) : neutraliseFormula(frenchDay(value));
  }
  return neutraliseFormula(value);
}

const NUMBER_FORMATS: Partial<Record<ColumnType, string>> = { date: "dd/mm/yyyy", integer: "0", cents: "0.00" };

/**
 * One frozen style object per number format and kind of value, shared by every cell that has it.
 * exceljs gives each new cell a style object of its own, then serialises that style to find its id:
 * once per cell, which made the XLSX export about 24 times as slow as COPY. A style object it has
 * already seen is a lookup in its WeakMap. Unformatted styles are keyed by kind too: exceljs gives
 * numbers the "General" format, so an unformatted style's id depends on the first value it met.
 */
const sharedStyles = new Map<string, Partial<ExcelJS.Style>>();

function styleOf(type: ColumnType, value: ExcelJS.CellValue): Partial<ExcelJS.Style> {
  const kind = value instanceof Date ? "date" : value === null ? "null" : typeof value;
  // A format applies only to the values it was made for: a date column's unreadable day is text.
  const format = (type === "date" ? kind === "date" : kind === "number") ? NUMBER_FORMATS[type] : undefined;
  const key = `${format ?? ""}|${kind}`;
  let style = sharedStyles.get(key);
  if (!style) {
    style = Object.freeze(format ? { numFmt: format } : {});
    sharedStyles.set(key, style);
  }
  return style;
}

/** Adds and commits one data row, its cells typed and formatted by their columns. */
function addDataRow(sheet: ExcelJS.Worksheet, values: (string | number | Date | null)[], types: ColumnType[]) {
  const added = sheet.addRow(values);
  types.forEach((type, index) => {
    const cell = added.getCell(index + 1);
    cell.style = styleOf(type, cell.value);
  });
  added.commit();
}

async function writeSheet<Row>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: ExportColumn<Row>[],
  rows: AsyncIterable<Row[]>,
  source: ExportSource,
  out: Writable,
  progress?: ProgressFn,
): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
  sheet.columns = columns.map((column) => ({ key: column.key, width: column.width }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = sheet.addRow(columns.map((column) => column.header));
  header.font = { bold: true };
  header.commit();
  const types = columns.map((column) => column.type);
  for await (const batch of rows) {
    for (const row of batch) {
      addDataRow(
        sheet,
        columns.map((column) => xlsxValue(column.value(row, source.context), column.type)),
        types,
      );
    }
    await waitForZip(sheet, out);
    await progress?.(batch.length);
  }
  sheet.commit();
}

async function* memberBatches(source: ExportSource) {
  for await (const batch of source.batches()) yield batch.flatMap(membersOf);
}

export async function writeXlsx(source: ExportSource, out: Writable, progress?: ProgressFn): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
    // Deflate is the slowest stage of a large export; level 1 is several times faster for a
    // few per cent more bytes on this very repetitive XML.
    zip: { zlib: { level: 1 } },
  });
  workbook.creator = "Portail QF";
  workbook.created = new Date();
  await writeSheet(workbook, "Familles", familyColumns(source.context), source.batches(), source, out, progress);
  await writeSheet(workbook, "Membres", MEMBER_COLUMNS, memberBatches(source), source, out);
  // Resolves once the zip is finalised; the stream passed in is ended by exceljs.
  await workbook.commit();
  if (!out.writableFinished) {
    await new Promise<void>((resolve, reject) => {
      out.once("finish", resolve);
      out.once("error", reject);
    });
  }
}

/** A workbook of small in-memory tables, one sheet each, written like the family exports. */
export async function writeXlsxTables(tables: readonly SheetTable[], out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "Portail QF";
  workbook.created = new Date();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
    sheet.columns = table.columns.map((column, index) => ({ key: `c${index}`, width: column.width }));
    const header = sheet.addRow(table.columns.map((column) => column.header));
    header.font = { bold: true };
    header.commit();
    const types = table.columns.map((column) => column.type);
    for (const row of table.rows) {
      addDataRow(
        sheet,
        row.map((value, index) => xlsxValue(value, types[index]!)),
        types,
      );
    }
    sheet.commit();
  }
  await workbook.commit();
  if (!out.writableFinished) {
    await new Promise<void>((resolve, reject) => {
      out.once("finish", resolve);
      out.once("error", reject);
    });
  }
}
