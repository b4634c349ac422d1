import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, exportChunks, families, familyExports } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import {
  buildExport,
  claimExport,
  purgeExports,
  requestExport,
  runPendingExports,
} from "../../app/portal/exports/exports.server.ts";
import { readChunks } from "../../app/portal/exports/chunk-writer.server.ts";
import { eraseFamilyFile } from "../../app/portal/family-files/family-erasure.server.ts";
import { purgeExpiredFamilyFiles } from "../../app/portal/family-files/family-retention.server.ts";
import { parseInboxQuery } from "../../app/portal/dossiers/dossier-list-query.server.ts";
import * as statusRoute from "../../app/routes/portail.communes.$siret.exports.$exportId.tsx";
import * as fileRoute from "../../app/routes/portail.communes.$siret.exports.$exportId.fichier.ts";
import * as newExportRoute from "../../app/routes/portail.communes.$siret.exports.nouveau.ts";
import { getConfig } from "../../app/config.server.ts";
import { addMember, callRoute, createAgent, createCommune, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { insertFamily, insertManyFamilies } from "../helpers/export-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

describe("background exports", () => {
  let handle: DatabaseHandle;
  let commune: { id: string; name: string; siret: string };
  let other: { id: string; name: string; siret: string };
  let agentId: string;
  let memberCookie: string;
  let foreignCookie: string;
  const tous = parseInboxQuery(new URLSearchParams("onglet=tous"));

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    commune = await createCommune(handle.db, "Besançon", 401);
    other = await createCommune(handle.db, "Autre", 402);
    const agent = await createAgent(handle.db, { email: "agent@besancon.fr" });
    await addMember(handle.db, agent.id, commune.id, "agent");
    agentId = agent.id;
    memberCookie = await signIn(handle.db, agent.id);
    const foreign = await createAgent(handle.db, { email: "agent@autre.fr" });
    await addMember(handle.db, foreign.id, other.id, "admin");
    foreignCookie = await signIn(handle.db, foreign.id);
    await insertManyFamilies(handle.db, commune.id, 250);
  });
  afterAll(async () => {
    await handle?.close();
  });

  const exportRow = async (id: string) =>
    (await handle.db.select().from(familyExports).where(eq(familyExports.id, id)))[0]!;

  it("streams small exports at once and queues large ones, both audited", async () => {
    const direct = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: tous,
      format: "csv",
      threshold: 1000,
    });
    expect(direct.mode).toBe("direct");
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&q=famille")),
      format: "csv",
      threshold: 100,
    });
    expect(queued).toMatchObject({ mode: "background", reused: false, rows: 250 });
    const audits = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, commune.id), eq(auditEvents.action, "family_file.exported")))
      // In the order they were written: without it the planner may walk any index of the table.
      .orderBy(auditEvents.id);
    expect(audits).toHaveLength(2);
    expect(audits.map((event) => event.actorAgentId)).toEqual([agentId, agentId]);
    expect(audits[0]!.details).toMatchObject({ mode: "direct", rows: 250, format: "csv", filters: { tab: "tous" } });
    // The searched name is personal data: the trail keeps that there was one, not what it was.
    expect(audits[1]!.details).toMatchObject({ mode: "background", rows: 250, filters: { search: { name: true } } });
    expect(JSON.stringify(audits[1]!.details)).not.toContain("famille");
    if (queued.mode === "background")
      await handle.db.delete(familyExports).where(eq(familyExports.id, queued.exportId));
  });

  it("goes from waiting to running (with progress) to ready, and serves the file", async () => {
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: tous,
      format: "xlsx",
      threshold: 100,
    });
    if (queued.mode !== "background") throw new Error("expected a background export");
    expect((await exportRow(queued.exportId)).status).toBe("pending");

    const claimed = await claimExport(handle.db);
    expect(claimed).toMatchObject({ id: queued.exportId, status: "running", attempts: 1 });
    // Nobody else takes it while its lease runs.
    expect(await claimExport(handle.db)).toBeNull();

    const seen: { status: string; processed: number }[] = [];
    await buildExport(handle.db, claimed!, {
      batchSize: 60,
      onProgress: async () => {
        const row = await exportRow(queued.exportId);
        seen.push({ status: row.status, processed: row.processedRows });
      },
    });
    expect(seen).toEqual([
      { status: "running", processed: 60 },
      { status: "running", processed: 120 },
      { status: "running", processed: 180 },
      { status: "running", processed: 240 },
      { status: "running", processed: 250 },
    ]);
    const ready = await exportRow(queued.exportId);
    expect(ready).toMatchObject({ status: "ready", processedRows: 250, totalRows: 250 });
    expect(ready.byteSize).toBeGreaterThan(0);
    expect(ready.expiresAt.getTime() - ready.finishedAt!.getTime()).toBe(24 * 3_600_000);

    const page = await callRoute(statusRoute, "loader", {
      path: `/portail/communes/${commune.siret}/exports/${queued.exportId}`,
      params: { siret: commune.siret, exportId: queued.exportId },
      cookie: memberCookie,
    });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ export: { status: "ready", processedRows: 250 } });

    const response = (await fileRoute.loader({
      request: new Request(`http://localhost/portail/communes/${commune.siret}/exports/${queued.exportId}/fichier`, {
        headers: { Cookie: memberCookie },
      }),
      params: { siret: commune.siret, exportId: queued.exportId },
      context: { requestId: "test" },
    } as never)) as Response;
    expect(response.headers.get("Content-Disposition")).toMatch(
      /attachment; filename="familles-besancon-\d{4}-\d{2}-\d{2}\.xlsx"/,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(ready.byteSize);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.getWorksheet("Familles")!.rowCount).toBe(251);
    expect(workbook.getWorksheet("Membres")!.rowCount).toBe(501);
  });

  it("reuses an identical export only while the commune's data is unchanged", async () => {
    const ask = (format: "csv" | "ods", now?: Date) =>
      requestExport(handle.db, { collectivity: commune, agentId, query: tous, format, threshold: 100, now });
    const first = await ask("csv");
    const again = await ask("csv");
    expect(again).toMatchObject({ mode: "background", reused: true });
    expect(again.mode === "background" && first.mode === "background" && again.exportId === first.exportId).toBe(true);
    // Another format is another file.
    const ods = await ask("ods");
    expect(ods).toMatchObject({ reused: false });
    // Same data, hours later: still the same file.
    const later = new Date(Date.now() + 3 * 3_600_000);
    expect(await ask("csv", later)).toMatchObject({ reused: true });
    // Changed data: a new file, however recent the previous one is.
    await insertFamily(handle.db, commune.id, { familyName: "Nouvelle" });
    const changed = await ask("csv");
    expect(changed).toMatchObject({ reused: false });
    expect(await ask("csv")).toMatchObject({
      reused: true,
      exportId: changed.mode === "background" ? changed.exportId : null,
    });
    await runPendingExports(handle.db);
    const rows = await handle.db.select().from(familyExports).where(eq(familyExports.collectivityId, commune.id));
    expect(rows.every((row) => row.status === "ready")).toBe(true);
  });

  /** A stored export file as text. */
  const storedText = async (exportId: string) => {
    const parts: Buffer[] = [];
    for await (const chunk of readChunks(handle.db, exportId)) parts.push(chunk);
    return Buffer.concat(parts).toString("utf8");
  };
  const chunkCount = async (exportId: string) =>
    (await handle.db.select().from(exportChunks).where(eq(exportChunks.exportId, exportId))).length;

  it("deletes the commune's export files when a family file is erased: the erased family is never served again", async () => {
    const erased = await insertFamily(handle.db, commune.id, { familyName: "Effacezmoi" });
    const ask = () =>
      requestExport(handle.db, { collectivity: commune, agentId, query: tous, format: "csv", threshold: 100 });
    const before = await ask();
    if (before.mode !== "background") throw new Error("expected a background export");
    await runPendingExports(handle.db);
    expect(await storedText(before.exportId)).toContain("Effacezmoi");
    // Another commune's export is not theirs to lose.
    await insertManyFamilies(handle.db, other.id, 3);
    const foreign = await requestExport(handle.db, {
      collectivity: other,
      agentId,
      query: tous,
      format: "csv",
      threshold: 0,
    });
    if (foreign.mode !== "background") throw new Error("expected a background export");
    await runPendingExports(handle.db);

    const counts = await eraseFamilyFile(handle.db, { collectivityId: commune.id, familyId: erased, actor: agentId });
    expect(counts).toMatchObject({ families: 1, exportFiles: expect.any(Number) });
    expect(counts!.exportFiles).toBeGreaterThan(0);

    // The old file is gone; its status page says why.
    expect(await chunkCount(before.exportId)).toBe(0);
    expect(await exportRow(before.exportId)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/effacé/),
    });
    const ready = await handle.db
      .select()
      .from(familyExports)
      .where(and(eq(familyExports.collectivityId, commune.id), eq(familyExports.status, "ready")));
    expect(ready).toEqual([]);

    // The same request builds a new file, without the erased family.
    const after = await ask();
    expect(after).toMatchObject({ mode: "background", reused: false });
    if (after.mode !== "background") throw new Error("expected a background export");
    await runPendingExports(handle.db);
    expect(await exportRow(after.exportId)).toMatchObject({ status: "ready" });
    const text = await storedText(after.exportId);
    expect(text).toContain("Famille 1");
    expect(text).not.toContain("Effacezmoi");

    expect(await exportRow(foreign.exportId)).toMatchObject({ status: "ready" });
    expect(await chunkCount(foreign.exportId)).toBeGreaterThan(0);
  });

  it("stops an export being built when a family file is erased meanwhile, leaving no file", async () => {
    const erased = await insertFamily(handle.db, commune.id, { familyName: "Pendantlexport" });
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&tri=nom")),
      format: "xlsx",
      threshold: 100,
    });
    if (queued.mode !== "background") throw new Error("expected a background export");
    const claimed = await claimExport(handle.db);
    expect(claimed!.id).toBe(queued.exportId);
    let calls = 0;
    await buildExport(handle.db, claimed!, {
      batchSize: 50,
      onProgress: async () => {
        if (++calls === 1)
          await eraseFamilyFile(handle.db, { collectivityId: commune.id, familyId: erased, actor: agentId });
      },
    });
    expect(calls).toBe(1);
    expect(await exportRow(queued.exportId)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/effacé/),
    });
    expect(await chunkCount(queued.exportId)).toBe(0);
  });

  it("builds both sheets of an XLSX from one snapshot, so they agree (PostgreSQL)", async (ctx) => {
    // PGlite runs one query at a time: no long read transaction there (see buildExport).
    if (handle.driver === "pglite") ctx.skip();
    const query = parseInboxQuery(new URLSearchParams("onglet=tous&tri=recu"));
    const inScope = await handle.db
      .select({
        members: sql<number>`coalesce(sum(jsonb_array_length(${families.members}->'allocataires') + jsonb_array_length(${families.members}->'enfants')), 0)::int`,
        n: sql<number>`count(*)::int`,
      })
      .from(families)
      .where(eq(families.collectivityId, commune.id));
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query,
      format: "xlsx",
      threshold: 100,
    });
    if (queued.mode !== "background") throw new Error("expected a background export");
    const claimed = await claimExport(handle.db);
    expect(claimed!.id).toBe(queued.exportId);
    let calls = 0;
    await buildExport(handle.db, claimed!, {
      batchSize: 10_000,
      // Between the Familles sheet and the Membres sheet, a family arrives.
      onProgress: async () => {
        if (++calls === 1) {
          await insertFamily(handle.db, commune.id, {
            familyName: "Arrivéeentretemps",
            members: {
              allocataires: [
                { nom_naissance: "ARRIVEE", nom_usage: null, prenoms: "Léa", date_naissance: "1990-01-01", sexe: "F" },
              ],
              enfants: [
                { nom_naissance: "ARRIVEE", nom_usage: null, prenoms: "Tom", date_naissance: "2020-01-01", sexe: "M" },
              ],
            },
          });
        }
      },
    });
    expect(await exportRow(queued.exportId)).toMatchObject({ status: "ready" });
    const parts: Buffer[] = [];
    for await (const chunk of readChunks(handle.db, queued.exportId)) parts.push(chunk);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(parts) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet("Familles")!.rowCount - 1).toBe(Number(inScope[0]!.n));
    expect(workbook.getWorksheet("Membres")!.rowCount - 1).toBe(Number(inScope[0]!.members));
  });

  it("deletes the commune's export files when the retention purge deletes family files", async () => {
    const old = new Date(Date.now() - 3 * 365 * 86_400_000);
    await insertFamily(handle.db, commune.id, { familyName: "Tropancienne", receivedAt: old, qfUpdatedAt: old });
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&tri=qf")),
      format: "ods",
      threshold: 100,
    });
    if (queued.mode !== "background") throw new Error("expected a background export");
    await runPendingExports(handle.db);
    expect(await chunkCount(queued.exportId)).toBeGreaterThan(0);

    const report = await purgeExpiredFamilyFiles(handle.db);
    expect(report.find((p) => p.collectivityId === commune.id)?.counts).toMatchObject({ families: 1 });
    expect(await chunkCount(queued.exportId)).toBe(0);
    expect(await exportRow(queued.exportId)).toMatchObject({ status: "failed" });
    const again = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&tri=qf")),
      format: "ods",
      threshold: 100,
    });
    expect(again).toMatchObject({ reused: false });
    await runPendingExports(handle.db);
  });

  it("marks an export failed when building it fails, without leaving a partial file", async () => {
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&tri=nom")),
      format: "ods",
      threshold: 100,
    });
    if (queued.mode !== "background") throw new Error("expected a background export");
    const claimed = await claimExport(handle.db);
    expect(claimed!.id).toBe(queued.exportId);
    let calls = 0;
    await buildExport(handle.db, claimed!, {
      batchSize: 50,
      onProgress: () => {
        if (++calls === 2) throw new Error("disk full");
      },
    });
    const failed = await exportRow(queued.exportId);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/échoué/);
    const chunks = await handle.db.select().from(exportChunks).where(eq(exportChunks.exportId, queued.exportId));
    expect(chunks).toEqual([]);
  });

  it("purges expired exports and their files after 24 hours", async () => {
    const before = await handle.db.select({ count: sql<number>`count(*)::int` }).from(exportChunks);
    expect(Number(before[0]!.count)).toBeGreaterThan(0);
    expect(await purgeExports(handle.db, new Date())).toMatchObject({ purged: 0 });
    const result = await purgeExports(handle.db, new Date(Date.now() + 25 * 3_600_000));
    expect(result.purged).toBeGreaterThan(0);
    expect(await handle.db.select().from(familyExports)).toEqual([]);
    const after = await handle.db.select({ count: sql<number>`count(*)::int` }).from(exportChunks);
    expect(Number(after[0]!.count)).toBe(0);
  });

  it("answers 404 for another commune's export, its status page and its file", async () => {
    const queued = await requestExport(handle.db, {
      collectivity: commune,
      agentId,
      query: tous,
      format: "csv",
      threshold: 100,
    });
    if (queued.mode !== "background") throw new Error("expected a background export");
    await runPendingExports(handle.db);
    for (const route of [statusRoute, fileRoute]) {
      // Through the other commune (where the foreign agent is a member): the id is not theirs.
      const viaOwnCommune = await callRoute(route, "loader", {
        path: `/portail/communes/${other.siret}/exports/${queued.exportId}`,
        params: { siret: other.siret, exportId: queued.exportId },
        cookie: foreignCookie,
      });
      expect(viaOwnCommune.status).toBe(404);
      // Through the right commune, where they are not a member.
      const viaTarget = await callRoute(route, "loader", {
        path: `/portail/communes/${commune.siret}/exports/${queued.exportId}`,
        params: { siret: commune.siret, exportId: queued.exportId },
        cookie: foreignCookie,
      });
      expect(viaTarget.status).toBe(404);
      // An id that is no uuid at all is a 404 too, not a database error.
      const garbage = await callRoute(route, "loader", {
        path: `/portail/communes/${commune.siret}/exports/x`,
        params: { siret: commune.siret, exportId: "x'; drop" },
        cookie: memberCookie,
      });
      expect(garbage.status).toBe(404);
    }
    const random = await callRoute(fileRoute, "loader", {
      path: "/",
      params: { siret: commune.siret, exportId: crypto.randomUUID() },
      cookie: memberCookie,
    });
    expect(random.status).toBe(404);
  });

  it("exports the inbox's scope through the route: a CSV download for a small list", async () => {
    const form = new URLSearchParams({ format: "csv", onglet: "tous", tri: "nom", q: "famille 1" });
    const response = (await newExportRoute.action({
      request: new Request(`http://localhost/portail/communes/${commune.siret}/exports/nouveau`, {
        method: "POST",
        headers: { Cookie: memberCookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: form,
      }),
      params: { siret: commune.siret },
      context: { requestId: "test" },
    } as never)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const text = (await response.text()).replace(/^\uFEFF/, "");
    const lines = text.split("\r\n").filter(Boolean);
    // "famille 1" matches Famille 1, 10–19, 100–199 and 1 (prefix search on both words): sorted by name.
    const names = lines.slice(1).map((line) => line.split(";")[3]);
    expect(names.length).toBeGreaterThan(10);
    expect(names).toEqual([...names].sort((a, b) => a!.localeCompare(b!, "en")));
    expect(names.every((name) => name!.startsWith("Famille 1"))).toBe(true);

    const bad = await callRoute(newExportRoute, "action", {
      path: `/portail/communes/${commune.siret}/exports/nouveau`,
      params: { siret: commune.siret },
      cookie: memberCookie,
      form: { format: "pdf" },
    });
    expect(bad.status).toBe(400);
    const foreign = await callRoute(newExportRoute, "action", {
      path: `/portail/communes/${commune.siret}/exports/nouveau`,
      params: { siret: commune.siret },
      cookie: foreignCookie,
      form: { format: "csv" },
    });
    expect(foreign.status).toBe(404);
  });

  it("queues a large export through the route: its status page says once that it was requested (Post/Redirect/Get)", async () => {
    const config = getConfig();
    const threshold = config.EXPORT_BACKGROUND_THRESHOLD;
    config.EXPORT_BACKGROUND_THRESHOLD = 100;
    const path = `/portail/communes/${commune.siret}/exports/nouveau`;
    const post = () =>
      callRoute(newExportRoute, "action", {
        path,
        params: { siret: commune.siret },
        cookie: memberCookie,
        form: { format: "ods", onglet: "tous", tri: "nom" },
      });
    const statusPage = (location: string, cookie: string) =>
      callRoute(statusRoute, "loader", {
        path: location,
        params: { siret: commune.siret, exportId: location.split("/").at(-1)! },
        cookie,
      });
    try {
      const queued = await post();
      expect(queued.status).toBe(303);
      expect(queued.location).toMatch(new RegExp(`^/portail/communes/${commune.siret}/exports/[0-9a-f-]{36}$`));
      const landed = await statusPage(queued.location!, withCookies(memberCookie, queued));
      expect(landed.data).toMatchObject({
        flash: { level: "success", message: "Export demandé : le fichier est préparé en arrière-plan." },
        export: { status: "pending", format: "ods" },
      });
      expect((await statusPage(queued.location!, memberCookie)).data).toMatchObject({ flash: null });

      // The same request again, data unchanged: the same export, and the page says so.
      const again = await post();
      expect(again.location).toBe(queued.location);
      expect((await statusPage(again.location!, withCookies(memberCookie, again))).data).toMatchObject({
        flash: { level: "success", message: "Le même export a déjà été demandé : le voici." },
      });
    } finally {
      config.EXPORT_BACKGROUND_THRESHOLD = threshold;
      await handle.db.delete(familyExports).where(eq(familyExports.collectivityId, commune.id));
    }
  });
});
