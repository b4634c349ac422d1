import type { Writable } from "node:stream";
import { cellText, familyColumns } from "./export-columns";
import type { ExportSource } from "./export-source.server";
import { endAndFinish, writeTo, type ProgressFn } from "./write-stream.server";

/**
 * CSV as French Excel opens it with a double-click: UTF-8 with a BOM (otherwise Excel reads
 * Windows-1252 and breaks accents), ";" between fields (the list separator of a French
 * Windows), CRLF line ends, dates JJ/MM/AAAA, and RFC 4180 quoting.
 */

/** RFC 4180: a field holding the separator, a quote or a line break is quoted, quotes doubled. */
export function csvField(text: string): string {
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (fields: string[]) => `${fields.map(csvField).join(";")}\r\n`;

export async function writeCsv(source: ExportSource, out: Writable, progress?: ProgressFn): Promise<void> {
  const columns = familyColumns(source.context);
  await writeTo(out, `\uFEFF${csvLine(columns.map((column) => column.header))}`);
  for await (const batch of source.batches()) {
    let text = "";
    for (const row of batch) {
      text += csvLine(columns.map((column) => cellText(column.value(row, source.context), column.type)));
    }
    await writeTo(out, text);
    await progress?.(batch.length);
  }
  await endAndFinish(out);
}
