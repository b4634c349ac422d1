import { PassThrough, Writable } from "node:stream";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { tariffServices, tariffVersions } from "../../db/schema/index.ts";
import { writeCsv } from "../../app/portal/exports/csv-writer.server.ts";
import { createExportSource, type ExportSource } from "../../app/portal/exports/export-source.server.ts";
import { writeOds } from "../../app/portal/exports/ods-writer.server.ts";
import { writeXlsx } from "../../app/portal/exports/xlsx-writer.server.ts";
import { parseInboxQuery } from "../../app/portal/dossiers/dossier-list-query.server.ts";
import { createCommune } from "../helpers/portal-fixtures.ts";
import { insertFamily } from "../helpers/export-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  return Buffer.concat(chunks);
}

/** One price column per service, the rule in force on the export's day, in the three formats. */
describe("exports with tariffs", () => {
  let handle: DatabaseHandle;
  let source: ExportSource;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const { id: collectivityId } = await createCommune(handle.db, "Angers", 41);
    const [evening] = await handle.db
      .insert(tariffServices)
      .values({ collectivityId, name: "Accueil du soir", unit: "heure" })
      .returning();
    const effort = {
      kind: "effort",
      rate: 3200,
      floorCents: 50,
      ceilingCents: 420,
      noQfPriceCents: 420,
      roundingCents: 1,
      siblingReduction: null,
    };
    await handle.db.insert(tariffVersions).values([
      { serviceId: evening!.id, collectivityId, status: "published", validFrom: "2025-09-01", rule: effort },
      // Not yet in force on the export's day, and a draft: neither is used.
      {
        serviceId: evening!.id,
        collectivityId,
        status: "published",
        validFrom: "2027-09-01",
        rule: { ...effort, rate: 9000 },
      },
      {
        serviceId: evening!.id,
        collectivityId,
        status: "draft",
        validFrom: "2026-01-01",
        rule: { ...effort, rate: 1 },
      },
    ]);
    await insertFamily(handle.db, collectivityId, {
      familyName: "Un",
      qfValue: 1001,
      receivedAt: new Date("2026-11-02T08:00:00Z"),
    });
    await insertFamily(handle.db, collectivityId, {
      familyName: "Deux",
      qfValue: null,
      qfAnnee: null,
      qfMois: null,
      qfProvider: null,
      receivedAt: new Date("2026-11-01T08:00:00Z"),
    });
    source = await createExportSource(handle.db, {
      collectivityId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&tri=reception&ordre=desc")),
      asOf: new Date("2026-11-26T12:00:00Z"),
    });
  });
  afterAll(async () => handle?.close());

  it("writes the price in force for each family's QF", async () => {
    const text = (await collect((out) => writeCsv(source, out))).subarray(3).toString("utf8");
    const lines = text
      .trim()
      .split("\r\n")
      .map((line) => line.split(";"));
    const column = lines[0]!.indexOf("Tarif : Accueil du soir (par heure)");
    expect(column).toBeGreaterThan(0);
    expect(
      lines
        .slice(1)
        .map((line) => line[column])
        .sort(),
    ).toEqual(["3,20", "4,20"]);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await collect((out) => writeXlsx(source, out))) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Familles")!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const xlsxColumn = header.indexOf("Tarif : Accueil du soir (par heure)") + 1;
    const values = [2, 3].map((r) => sheet.getRow(r).getCell(xlsxColumn));
    expect(values.map((cell) => cell.value).sort()).toEqual([3.2, 4.2]);
    expect(values[0]!.numFmt).toBe("0.00");

    const zip = await JSZip.loadAsync(await collect((out) => writeOds(source, out)));
    const content = await zip.file("content.xml")!.async("string");
    expect(content).toContain("Tarif : Accueil du soir (par heure)");
    expect(content).toContain('office:value-type="float" office:value="3.20"><text:p>3,20</text:p>');
    expect(content).toContain('office:value="4.20"><text:p>4,20</text:p>');
  });
});
