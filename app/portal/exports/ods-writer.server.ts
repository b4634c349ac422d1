import { PassThrough, type Writable } from "node:stream";
import yazl from "yazl";
import {
  cellText,
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
import { endAndFinish, writeTo, type ProgressFn } from "./write-stream.server";

/**
 * OpenDocument spreadsheet (ODF 1.3, the French public sector's interoperability standard,
 * RGI). No maintained library writes ODS as a stream, so this writes the package itself: a
 * zip (yazl, which streams one entry at a time with backpressure) whose first entry is the
 * uncompressed `mimetype`, then the manifest, meta, styles and settings (frozen header rows),
 * and `content.xml` written row by row. Two tables, "Familles" and "Membres" (a second pass),
 * each with an autofilter over its rows.
 */

export const ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet";

const NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"',
].join(" ");

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODS_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`;

const STYLES = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles ${NS} office:version="1.3"><office:styles/></office:document-styles>`;

const meta = (now: Date) => `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta ${NS} office:version="1.3"><office:meta><meta:generator>Portail QF</meta:generator><meta:creation-date>${now.toISOString().slice(0, 19)}</meta:creation-date></office:meta></office:document-meta>`;

/** Frozen first row on both tables (LibreOffice's view settings; other readers ignore them). */
const frozenHeader = (table: string) => `<config:config-item-map-entry config:name="${table}">
<config:config-item config:name="HorizontalSplitMode" config:type="short">0</config:config-item>
<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>
<config:config-item config:name="VerticalSplitPosition" config:type="int">1</config:config-item>
<config:config-item config:name="ActiveSplitRange" config:type="short">2</config:config-item>
<config:config-item config:name="PositionBottom" config:type="int">1</config:config-item>
</config:config-item-map-entry>`;
const SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings ${NS} office:version="1.3"><office:settings><config:config-item-set config:name="ooo:view-settings"><config:config-item-map-indexed config:name="Views"><config:config-item-map-entry><config:config-item-map-named config:name="Tables">${frozenHeader("Familles")}${frozenHeader("Membres")}</config:config-item-map-named></config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings></office:document-settings>`;

const columnStyles = (prefix: string, columns: ExportColumn<never>[]) =>
  columns
    .map(
      (column, index) =>
        `<style:style style:name="${prefix}${index + 1}" style:family="table-column"><style:table-column-properties style:column-width="${(column.width * 0.21).toFixed(2)}cm"/></style:style>`,
    )
    .join("");

const contentStart = (families: ExportColumn<never>[]) => `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${NS} office:version="1.3"><office:automatic-styles>\
<number:date-style style:name="N1"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>\
<style:style style:name="ce_date" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N1"/>\
<number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/></number:number-style>\
<style:style style:name="ce_euros" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N2"/>\
<style:style style:name="ce_head" style:family="table-cell" style:parent-style-name="Default"><style:text-properties fo:font-weight="bold"/></style:style>\
${columnStyles("cf", families)}${columnStyles("cm", MEMBER_COLUMNS as ExportColumn<never>[])}\
</office:automatic-styles><office:body><office:spreadsheet>`;

/** Characters XML 1.0 cannot carry at all (control characters other than tab and line ends). */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export const escapeXml = (text: string) =>
  text
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

/**
 * Text of a cell as ODF paragraphs: ODF collapses white space, so line breaks, tabs and runs
 * of spaces are written as <text:line-break/>, <text:tab/> and <text:s/>.
 */
export function odfText(text: string): string {
  return escapeXml(text)
    .replace(/\r\n|\r|\n/g, "<text:line-break/>")
    .replace(/\t/g, "<text:tab/>")
    .replace(/(^ +)|( {2,})/g, (spaces: string, leading: string | undefined) =>
      leading ? `<text:s text:c="${spaces.length}"/>` : ` <text:s text:c="${spaces.length - 1}"/>`,
    )
    .replace(/ +$/, (spaces) => `<text:s text:c="${spaces.length}"/>`);
}

function odsCell(value: CellValue, type: ColumnType): string {
  if (value === null) return "<table:table-cell/>";
  if (type === "cents" && typeof value === "number") {
    const euros = `${Math.trunc(value / 100)}.${String(value % 100).padStart(2, "0")}`;
    return `<table:table-cell table:style-name="ce_euros" office:value-type="float" office:value="${euros}"><text:p>${cellText(value, type)}</text:p></table:table-cell>`;
  }
  if (typeof value === "number") {
    return `<table:table-cell office:value-type="float" office:value="${value}"><text:p>${value}</text:p></table:table-cell>`;
  }
  if (type === "date") {
    const day = fullDay(value);
    if (day) {
      return `<table:table-cell table:style-name="ce_date" office:value-type="date" office:date-value="${value}"><text:p>${frenchDay(value)}</text:p></table:table-cell>`;
    }
    value = frenchDay(value);
  }
  return `<table:table-cell office:value-type="string"><text:p>${odfText(neutraliseFormula(value))}</text:p></table:table-cell>`;
}

/** 1 → A, 27 → AA. */
export function columnLetters(index: number): string {
  let letters = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

async function writeTable<Row>(
  content: Writable,
  name: string,
  stylePrefix: string,
  columns: ExportColumn<Row>[],
  rows: AsyncIterable<Row[]>,
  source: ExportSource,
  progress?: ProgressFn,
): Promise<number> {
  let xml = `<table:table table:name="${name}">`;
  columns.forEach((_, index) => (xml += `<table:table-column table:style-name="${stylePrefix}${index + 1}"/>`));
  xml += "<table:table-header-rows><table:table-row>";
  for (const column of columns) {
    xml += `<table:table-cell table:style-name="ce_head" office:value-type="string"><text:p>${odfText(column.header)}</text:p></table:table-cell>`;
  }
  xml += "</table:table-row></table:table-header-rows>";
  await writeTo(content, xml);
  let count = 0;
  for await (const batch of rows) {
    let chunk = "";
    for (const row of batch) {
      chunk += "<table:table-row>";
      for (const column of columns) chunk += odsCell(column.value(row, source.context), column.type);
      chunk += "</table:table-row>";
    }
    count += batch.length;
    await writeTo(content, chunk);
    await progress?.(batch.length);
  }
  await writeTo(content, "</table:table>");
  return count;
}

const filterRange = (name: string, table: string, columns: number, rows: number) =>
  `<table:database-range table:name="${name}" table:target-range-address="${table}.A1:${table}.${columnLetters(columns)}${rows + 1}" table:display-filter-buttons="true"/>`;

async function* memberBatches(source: ExportSource) {
  for await (const batch of source.batches()) yield batch.flatMap(membersOf);
}

/**
 * An ODS package piped to `out` with every part but content.xml: the caller adds that one and
 * ends the zip. `zipped` settles when `out` has everything (or fails, or closes early).
 */
function openOdsPackage(out: Writable, settingsXml: string) {
  const zip = new yazl.ZipFile();
  const zipped = new Promise<void>((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
    out.once("close", () => (out.writableFinished ? resolve() : reject(new Error("output closed"))));
  });
  // Awaited at the end only; until then a failure is reported by the write that meets it.
  zipped.catch(() => {});
  zip.outputStream.pipe(out);
  const now = new Date();
  // ODF: "mimetype" first, stored, without extra fields, so its bytes sit at a fixed offset.
  zip.addBuffer(Buffer.from(ODS_MIMETYPE, "ascii"), "mimetype", {
    compress: false,
    forceDosTimestamp: true,
    mtime: now,
  });
  zip.addBuffer(Buffer.from(MANIFEST), "META-INF/manifest.xml", { mtime: now });
  zip.addBuffer(Buffer.from(meta(now)), "meta.xml", { mtime: now });
  zip.addBuffer(Buffer.from(STYLES), "styles.xml", { mtime: now });
  zip.addBuffer(Buffer.from(settingsXml), "settings.xml", { mtime: now });
  return { zip, zipped, now };
}

export async function writeOds(source: ExportSource, out: Writable, progress?: ProgressFn): Promise<void> {
  const { zip, zipped, now } = openOdsPackage(out, SETTINGS);
  const content = new PassThrough();
  zip.addReadStream(content, "content.xml", { mtime: now });
  zip.end();

  try {
    const familyCols = familyColumns(source.context);
    await writeTo(content, contentStart(familyCols as ExportColumn<never>[]));
    const families = await writeTable(content, "Familles", "cf", familyCols, source.batches(), source, progress);
    const members = await writeTable(content, "Membres", "cm", MEMBER_COLUMNS, memberBatches(source), source);
    await writeTo(
      content,
      `<table:database-ranges>${filterRange("Familles_filtre", "Familles", familyCols.length, families)}${filterRange("Membres_filtre", "Membres", MEMBER_COLUMNS.length, members)}</table:database-ranges></office:spreadsheet></office:body></office:document-content>`,
    );
    await endAndFinish(content);
  } catch (error) {
    content.destroy();
    out.destroy();
    throw error;
  }
  await zipped;
}

/** A spreadsheet of small in-memory tables, one table each, written like the family exports. */
export async function writeOdsTables(tables: readonly SheetTable[], out: Writable): Promise<void> {
  const settings = SETTINGS.replace(
    `${frozenHeader("Familles")}${frozenHeader("Membres")}`,
    tables.map((table) => frozenHeader(escapeXml(table.name))).join(""),
  );
  const { zip, zipped, now } = openOdsPackage(out, settings);
  const styles = tables
    .map((table, t) =>
      table.columns
        .map(
          (column, index) =>
            `<style:style style:name="ct${t}_${index + 1}" style:family="table-column"><style:table-column-properties style:column-width="${(column.width * 0.21).toFixed(2)}cm"/></style:style>`,
        )
        .join(""),
    )
    .join("");
  let xml = contentStart([]).replace("</office:automatic-styles>", `${styles}</office:automatic-styles>`);
  tables.forEach((table, t) => {
    xml += `<table:table table:name="${escapeXml(table.name)}">`;
    table.columns.forEach((_, index) => (xml += `<table:table-column table:style-name="ct${t}_${index + 1}"/>`));
    xml += "<table:table-header-rows><table:table-row>";
    for (const column of table.columns) {
      xml += `<table:table-cell table:style-name="ce_head" office:value-type="string"><text:p>${odfText(column.header)}</text:p></table:table-cell>`;
    }
    xml += "</table:table-row></table:table-header-rows>";
    for (const row of table.rows) {
      xml += "<table:table-row>";
      row.forEach((value, index) => (xml += odsCell(value, table.columns[index]!.type)));
      xml += "</table:table-row>";
    }
    xml += "</table:table>";
  });
  xml += "</office:spreadsheet></office:body></office:document-content>";
  zip.addBuffer(Buffer.from(xml), "content.xml", { mtime: now });
  zip.end();
  await zipped;
}
