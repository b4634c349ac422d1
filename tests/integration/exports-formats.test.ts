import { readFileSync } from "node:fs";
import { PassThrough, Writable } from "node:stream";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { FAMILY_COLUMNS, MEMBER_COLUMNS } from "../../app/portal/exports/export-columns.ts";
import { writeCsv } from "../../app/portal/exports/csv-writer.server.ts";
import { createExportSource, type ExportSource } from "../../app/portal/exports/export-source.server.ts";
import { ODS_MIMETYPE, writeOds } from "../../app/portal/exports/ods-writer.server.ts";
import { writeXlsx } from "../../app/portal/exports/xlsx-writer.server.ts";
import { listInbox, parseInboxQuery } from "../../app/portal/dossiers/dossier-list-query.server.ts";
import { saveTariffBrackets } from "../../app/portal/settings/tariff-brackets.server.ts";
import { createCommune } from "../helpers/portal-fixtures.ts";
import { insertFamily, insertManyFamilies } from "../helpers/export-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** Reads a whole export into memory (test sizes only). */
async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on("data", (chunk: Buffer) => parts.push(chunk));
  await write(out);
  return Buffer.concat(parts);
}

/** RFC 4180 with ";" — written independently of the exporter, to read its files back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ";") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += char;
  }
  if (field !== "" || row.length > 0) throw new Error("last line has no CRLF");
  return rows;
}

const TRICKY_NAME = 'Dupré; "Le Grand"\nÉlodie';
const FORMULA = '=HYPERLINK("http://example.test";"clic")';

describe("export formats", () => {
  let handle: DatabaseHandle;
  let collectivityId: string;
  let source: ExportSource;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const commune = await createCommune(handle.db, "Saint-Étienne", 301);
    collectivityId = commune.id;
    await saveTariffBrackets(handle.db, collectivityId, [
      { label: "Tranche A", min: 0, max: 600 },
      { label: "Tranche B", min: 601, max: null },
    ]);
    await insertFamily(handle.db, collectivityId, {
      reference: "ABCDEF0123456",
      familyName: TRICKY_NAME,
      givenNames: "Zoë Anaïs",
      birthdate: "1985-03-15",
      qfValue: 812,
      qfMois: 9,
      qfAnnee: 2026,
      qfProvider: "MSA",
      qfUpdatedAt: new Date("2026-10-02T10:00:00Z"),
      previousQf: 900,
      externalId: FORMULA,
      receivedAt: new Date("2026-11-20T23:30:00Z"), // 21/11 in Paris
      members: {
        allocataires: [
          {
            nom_naissance: "DUPRÉ",
            nom_usage: "MARTIN",
            prenoms: "Élodie Anne",
            date_naissance: "1985-03-15",
            sexe: "F",
          },
          { nom_naissance: "N'GUYEN", nom_usage: null, prenoms: "Lê", date_naissance: "1983-00-00", sexe: "M" },
        ],
        enfants: [{ nom_naissance: "DUPRÉ", nom_usage: null, prenoms: "Noé", date_naissance: "2016-02-29", sexe: "M" }],
      },
      address: {
        destinataire: "MME DUPRE",
        complement_information: "Bât. B; 2e étage",
        complement_information_geographique: null,
        numero_libelle_voie: "12 RUE DE L'ÉGLISE",
        lieu_dit: null,
        code_postal_ville: "42000 SAINT-ÉTIENNE",
        pays: "FRANCE",
      },
    });
    await insertFamily(handle.db, collectivityId, {
      familyName: "+33 Bernard",
      givenNames: "-Luc",
      qfValue: null,
      qfMois: null,
      qfAnnee: null,
      qfProvider: null,
      birthdate: null,
      receivedAt: new Date("2026-11-01T08:00:00Z"),
    });
    source = await createExportSource(handle.db, {
      collectivityId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous")),
      asOf: new Date("2026-11-26T12:00:00Z"),
    });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("writes a CSV that French Excel opens: BOM, ';', CRLF, JJ/MM/AAAA, RFC 4180 quoting", async () => {
    const bytes = await collect((out) => writeCsv(source, out));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, first, second, ...rest] = parseCsv(text);
    expect(rest).toEqual([]);
    expect(header).toEqual(FAMILY_COLUMNS.map((column) => column.header));
    const cell = (row: string[] | undefined, title: string) => row![header!.indexOf(title)];
    // Every tricky value comes back as it was: accents, quotes, semicolons, line breaks.
    expect(cell(first, "Nom du demandeur")).toBe(TRICKY_NAME);
    expect(cell(first, "Prénoms du demandeur")).toBe("Zoë Anaïs");
    expect(cell(first, "Référence")).toBe("ABCDEF0123456");
    expect(cell(first, "Reçu le")).toBe("21/11/2026");
    expect(cell(first, "Date de naissance du demandeur")).toBe("15/03/1985");
    expect(cell(first, "Quotient familial")).toBe("812");
    expect(cell(first, "Mois du QF")).toBe("9");
    expect(cell(first, "Organisme")).toBe("MSA");
    expect(cell(first, "Tranche tarifaire")).toBe("Tranche B");
    expect(cell(first, "Allocataire 1 : nom d’usage")).toBe("MARTIN");
    expect(cell(first, "Allocataire 2 : nom de naissance")).toBe("N'GUYEN");
    expect(cell(first, "Allocataire 2 : date de naissance")).toBe("00/00/1983");
    expect(cell(first, "Adresse")).toBe("Bât. B; 2e étage, 12 RUE DE L'ÉGLISE");
    expect(cell(first, "Code postal et ville")).toBe("42000 SAINT-ÉTIENNE");
    expect(cell(first, "Nombre d’enfants")).toBe("1");
    expect(cell(first, "QF mis à jour le")).toBe("02/10/2026");
    expect(cell(first, "QF précédent")).toBe("900");
    expect(cell(first, "Évolution du QF")).toBe("-88");
    // Formula injection neutralised.
    expect(cell(first, "N° de dossier commune")).toBe(`'${FORMULA}`);
    expect(cell(second, "Nom du demandeur")).toBe("'+33 Bernard");
    expect(cell(second, "Prénoms du demandeur")).toBe("'-Luc");
    expect(cell(second, "Quotient familial")).toBe("");
    expect(cell(second, "Tranche tarifaire")).toBe("");
  });

  it("writes an XLSX with both sheets, typed cells, a frozen header and an autofilter", async () => {
    const bytes = await collect((out) => writeXlsx(source, out));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(["Familles", "Membres"]);
    const families = workbook.getWorksheet("Familles")!;
    const header = families.getRow(1).values as unknown[];
    expect(header.slice(1)).toEqual(FAMILY_COLUMNS.map((column) => column.header));
    expect(families.getRow(1).font?.bold).toBe(true);
    expect(families.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(families.autoFilter).toBeTruthy();
    expect(families.getColumn(1).width).toBe(FAMILY_COLUMNS[0]!.width);
    const col = (title: string) => FAMILY_COLUMNS.findIndex((column) => column.header === title) + 1;
    const row = families.getRow(2);
    expect(row.getCell(col("Quotient familial")).value).toBe(812);
    expect(row.getCell(col("Évolution du QF")).value).toBe(-88);
    const received = row.getCell(col("Reçu le")).value;
    expect(received).toBeInstanceOf(Date);
    expect((received as Date).toISOString().slice(0, 10)).toBe("2026-11-21");
    expect(row.getCell(col("Reçu le")).numFmt).toBe("dd/mm/yyyy");
    expect(row.getCell(col("Allocataire 2 : date de naissance")).value).toBe("00/00/1983");
    expect(row.getCell(col("Nom du demandeur")).value).toBe(TRICKY_NAME);
    expect(row.getCell(col("N° de dossier commune")).value).toBe(`'${FORMULA}`);
    expect(families.getRow(3).getCell(col("Nom du demandeur")).value).toBe("'+33 Bernard");
    expect(families.rowCount).toBe(3);

    const members = workbook.getWorksheet("Membres")!;
    expect((members.getRow(1).values as unknown[]).slice(1)).toEqual(MEMBER_COLUMNS.map((column) => column.header));
    expect(members.rowCount).toBe(4); // header + 2 allocataires + 1 child
    const child = members.getRow(4);
    expect(child.getCell(3).value).toBe("Enfant");
    expect(child.getCell(6).value).toBe("Noé");
    expect((child.getCell(7).value as Date).toISOString().slice(0, 10)).toBe("2016-02-29");
  });

  it("writes a valid ODS: stored mimetype first, manifest, typed cells in two tables", async () => {
    const bytes = await collect((out) => writeOds(source, out));
    // Local file header of the first entry: signature, method 0 (stored), name "mimetype", no extra field.
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
    expect(bytes.readUInt16LE(8)).toBe(0);
    expect(bytes.readUInt16LE(26)).toBe("mimetype".length);
    expect(bytes.readUInt16LE(28)).toBe(0);
    expect(bytes.subarray(30, 38).toString("ascii")).toBe("mimetype");
    expect(bytes.subarray(38, 38 + ODS_MIMETYPE.length).toString("ascii")).toBe(ODS_MIMETYPE);

    const zip = await JSZip.loadAsync(bytes);
    expect(Object.keys(zip.files)).toEqual(
      expect.arrayContaining(["mimetype", "META-INF/manifest.xml", "content.xml", "styles.xml", "meta.xml"]),
    );
    expect(await zip.file("META-INF/manifest.xml")!.async("string")).toContain(`manifest:media-type="${ODS_MIMETYPE}"`);
    const content = await zip.file("content.xml")!.async("string");
    expect(content).toContain('<table:table table:name="Familles">');
    expect(content).toContain('<table:table table:name="Membres">');
    expect(content).toContain('office:value-type="float" office:value="812"');
    expect(content).toContain('office:value-type="date" office:date-value="2026-11-21"');
    expect(content).toContain("Dupré; &quot;Le Grand&quot;<text:line-break/>Élodie");
    expect(content).toContain("<text:p>'=HYPERLINK(&quot;http://example.test&quot;;&quot;clic&quot;)</text:p>");
    expect(content).toContain('table:target-range-address="Familles.A1:Familles.');
    // Well-formed: the tables and the document close.
    expect(content.trimEnd().endsWith("</office:document-content>")).toBe(true);
    // A header row per table, 2 families, 3 members.
    expect(content.match(/<table:table-row>/g)!.length).toBe(2 + 2 + 3);
  });
});

it("documents every export column in README's column tables", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  for (const column of [...FAMILY_COLUMNS, ...MEMBER_COLUMNS]) {
    const escaped = column.header.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(readme).toMatch(new RegExp(`\\| ${escaped} +\\| `));
  }
});

describe("export scope and order equal the inbox list's", () => {
  let handle: DatabaseHandle;
  let collectivityId: string;
  const now = new Date();

  beforeAll(async () => {
    handle = await createTestDatabase();
    const commune = await createCommune(handle.db, "Angers", 302);
    collectivityId = commune.id;
    const other = await createCommune(handle.db, "Autre", 303);
    await insertManyFamilies(handle.db, other.id, 20);
    await insertManyFamilies(handle.db, collectivityId, 45);
    // Ties and NULLs on every sort key, which keyset pagination must get right.
    for (let i = 0; i < 6; i++) {
      await insertFamily(handle.db, collectivityId, {
        familyName: i < 3 ? null : "Dupont",
        givenNames: i % 2 ? null : "Anne",
        qfValue: i < 2 ? null : 500,
        qfProvider: i % 2 ? "MSA" : "CNAF",
        receivedAt: new Date(now.getTime() - 3_600_000),
        searchText: "dupont anne",
        reference: i === 4 ? "0123456789ABC" : undefined,
      });
    }
  });
  afterAll(async () => {
    await handle?.close();
  });

  const QUERIES = [
    "",
    "onglet=tous",
    "onglet=tous&tri=nom",
    "onglet=tous&tri=nom&ordre=desc",
    "onglet=tous&tri=qf",
    "onglet=tous&tri=qf&ordre=desc",
    "onglet=tous&tri=recu&ordre=asc",
    "onglet=tous&q=dupont",
    "onglet=tous&q=0123456789abc",
    "onglet=en-cours&qfMin=300&qfMax=1500&tri=qf",
    "onglet=tous&regime=MSA&statut=received",
    "onglet=tous&enfants=1&periode=semaine&tri=nom&ordre=desc",
    "onglet=traites&q=famille",
  ];

  it.each(QUERIES)("same families in the same order for ?%s", async (search) => {
    const query = parseInboxQuery(new URLSearchParams(search));
    const listed: string[] = [];
    for (let page = 1; ; page++) {
      const result = await listInbox(handle.db, collectivityId, { ...query, page, pageSize: 20 }, now);
      listed.push(...result.rows.map((row) => row.id));
      if (page >= result.pageCount) break;
    }
    const source = await createExportSource(handle.db, { collectivityId, query, asOf: now }, { batchSize: 7 });
    const exported: string[] = [];
    for await (const batch of source.batches()) exported.push(...batch.map((row) => row.id));
    expect(exported).toEqual(listed);
    expect(await source.count()).toBe(listed.length);
  });
});

describe("export memory stays bounded", () => {
  let handle: DatabaseHandle;
  let collectivityId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    collectivityId = (await createCommune(handle.db, "Pau", 304)).id;
    await insertManyFamilies(handle.db, collectivityId, 6000);
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** A source that counts the batches read from the database. */
  async function countingSource() {
    const inner = await createExportSource(
      handle.db,
      { collectivityId, query: parseInboxQuery(new URLSearchParams("onglet=tous")), asOf: new Date() },
      { batchSize: 100 },
    );
    const counter = { batches: 0 };
    const source: ExportSource = {
      ...inner,
      async *batches() {
        for await (const batch of inner.batches()) {
          counter.batches++;
          yield batch;
        }
      },
    };
    return { source, counter };
  }

  // 60 batches of 100 families; ODS reads the scope twice (a "Membres" table after "Familles").
  // The most a stalled writer may read ahead: each stream stage holds at most its highWaterMark,
  // and the zip's deflate stages hold compressed bytes, so ODS reads a few more batches ahead.
  it.each([
    ["csv", writeCsv, 4, 60],
    ["ods", writeOds, 20, 120],
    ["xlsx", writeXlsx, 30, 120],
  ] as const)("%s: reads the database only as fast as the reader takes the file", async (_f, write, ahead, passes) => {
    const { source, counter } = await countingSource();
    const out = new PassThrough({ highWaterMark: 16 * 1024 });
    const done = write(source, out);
    // Nobody reads: the writer must stop once the stream buffers are full instead of loading all 60.
    // Wait until the count stops moving for half a second (a busy machine fills buffers slowly).
    let stalled = -1;
    for (let waited = 0; waited < 15_000 && counter.batches !== stalled; waited += 500) {
      stalled = counter.batches;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(counter.batches).toBe(stalled);
    expect(stalled).toBeLessThanOrEqual(ahead);
    // Reading the file lets it go on to the end.
    let bytes = 0;
    out.on("data", (chunk: Buffer) => (bytes += chunk.length));
    await done;
    expect(counter.batches).toBe(passes);
    expect(bytes).toBeGreaterThan(600_000);
  });

  it("stops reading the database when the download is abandoned", async () => {
    const { source, counter } = await countingSource();
    const out = new PassThrough({ highWaterMark: 16 * 1024 });
    const done = writeCsv(source, out);
    await new Promise((resolve) => setTimeout(resolve, 100));
    out.destroy();
    await expect(done).rejects.toThrow(/aborted/);
    expect(counter.batches).toBeLessThan(10);
  });
});
