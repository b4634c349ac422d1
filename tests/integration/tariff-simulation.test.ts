import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { insertTariffService } from "../helpers/tariff-fixtures.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import type { PriceRule } from "../../app/domain/pricing/rules.ts";
import * as simulationRoute from "../../app/routes/portail.communes.$siret.tarifs.$serviceId_.simulation/route.tsx";
import * as fileRoute from "../../app/routes/portail.communes.$siret.tarifs.$serviceId_.simulation.fichier.ts";
import { addMember, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";
import { insertFamily } from "../helpers/export-fixtures.ts";

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
const sibling = { percent: 10, fromChild: 2 };
const current: PriceRule = {
  kind: "effort",
  rate: 3200,
  floorCents: 50,
  ceilingCents: 420,
  noQfPriceCents: 420,
  roundingCents: 1,
  siblingReduction: sibling,
};
const raise: PriceRule = { ...current, rate: 4000, ceilingCents: 500, noQfPriceCents: 500 };
const linear: PriceRule = {
  kind: "linear",
  qf1: 0,
  price1Cents: 100,
  qf2: 2000,
  price2Cents: 400,
  noQfPriceCents: 400,
  roundingCents: 1,
  siblingReduction: null,
};

type Page = {
  page: { errors: Record<string, string>; drafts: unknown[]; compareId: string | null };
  view: {
    columns: {
      families: string;
      up: string;
      down: string;
      unchanged: string;
      buckets: { count: string }[];
      revenue: { current: string; draft: string; difference: string } | null;
      topIncreases: { id: string; name: string; href: string; change: string }[];
    }[];
  } | null;
};

/** « Simuler » a draft: figures on a seeded commune, two drafts side by side, export, journal, access. */
describe("draft simulation", () => {
  let handle: DatabaseHandle;
  let admin: string;
  let agent: string;
  let foreignAdmin: string;
  let siret: string;
  let collectivityId: string;
  let serviceId: string;
  let raiseId: string;
  let linearId: string;
  const ids: Record<string, string> = {};
  const path = (query: string) => `/portail/communes/${siret}/tarifs/${serviceId}/simulation?${query}`;
  const load = (query: string, cookie = admin) =>
    callRoute(simulationRoute, "loader", { path: path(query), params: { siret, serviceId }, cookie });
  const download = (query: string, cookie = admin) =>
    fileRoute.loader({
      request: new Request(`http://localhost:3000${path(query).replace("/simulation?", "/simulation/fichier?")}`, {
        headers: { Cookie: cookie },
      }),
      params: { siret, serviceId },
      context: { cspNonce: "", requestId: "test-simulation", clientIp: "127.0.0.1" },
    });

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    const commune = await createCommune(handle.db, "Angers", 7);
    const other = await createCommune(handle.db, "Nantes", 8);
    siret = commune.siret;
    collectivityId = commune.id;
    const a = await createAgent(handle.db, { email: "admin@angers.test" });
    await addMember(handle.db, a.id, commune.id, "admin");
    const b = await createAgent(handle.db, { email: "agent@angers.test" });
    await addMember(handle.db, b.id, commune.id, "agent");
    const c = await createAgent(handle.db, { email: "admin@nantes.test" });
    await addMember(handle.db, c.id, other.id, "admin");
    admin = await signIn(handle.db, a.id);
    agent = await signIn(handle.db, b.id);
    foreignAdmin = await signIn(handle.db, c.id);
    const inserted = await insertTariffService(handle.db, {
      collectivityId,
      name: "Restauration scolaire",
      perChild: true,
      versions: [
        { validFrom: "2020-09-01", rule: current },
        { validFrom: "2099-09-01", rule: raise, status: "draft" },
        { validFrom: "2099-09-02", rule: linear, status: "draft" },
      ],
    });
    serviceId = inserted.serviceId;
    [, raiseId, linearId] = inserted.versionIds as [string, string, string];
    ids.a = await insertFamily(handle.db, collectivityId, { familyName: "Alpha", qfValue: 500, childrenCount: 1 });
    ids.b = await insertFamily(handle.db, collectivityId, { familyName: "Bravo", qfValue: 1000, childrenCount: 2 });
    ids.c = await insertFamily(handle.db, collectivityId, { familyName: "Charlie", qfValue: null, childrenCount: 1 });
    ids.d = await insertFamily(handle.db, collectivityId, { familyName: "Delta", qfValue: 2000, childrenCount: 1 });
    // Another commune's family is never counted.
    await insertFamily(handle.db, other.id, { familyName: "Ailleurs", qfValue: 100, childrenCount: 3 });
  });
  afterAll(async () => handle?.close());

  it("prices every family under today's tariff and the draft, with the revenue for the units typed", async () => {
    const answer = await load(`projet=${raiseId}&unites=100`);
    expect(answer.status).toBe(200);
    const { view, page } = answer.data as Page;
    expect(page.errors).toEqual({});
    const [column] = view!.columns;
    // 1,60 → 2,00 ; 3,20 + 2,88 → 4,00 + 3,60 ; 4,20 → 5,00 (no QF) ; 4,20 (ceiling) → 5,00.
    expect(column).toMatchObject({ families: "4", up: "4", down: "0", unchanged: "0" });
    expect(column!.buckets.reduce((sum, b) => sum + Number(b.count), 0)).toBe(4);
    expect(plain(column!.revenue!.difference)).toBe("+352,00 €");
    expect(plain(column!.revenue!.current)).toBe("1 608,00 €");
    expect(plain(column!.revenue!.draft)).toBe("1 960,00 €");
    expect(column!.topIncreases.map((f) => [f.id, plain(f.change)])).toEqual([
      [ids.b, "+1,52 €"],
      [ids.d, "+0,80 €"],
      [ids.c, "+0,80 €"],
      [ids.a, "+0,40 €"],
    ]);
    expect(column!.topIncreases[0]!.href).toBe(`/portail/communes/${siret}/dossiers/${ids.b}`);
    const html = plain(await renderRoute(simulationRoute.default, answer.data as object, path("")));
    expect(html).toContain("Simulation : Restauration scolaire");
    expect(html).toContain("Comparer avec");
    expect(html).toContain("Télécharger la simulation (XLSX)");
    expect(html).toContain(`href="/portail/communes/${siret}/dossiers/${ids.b}"`);
  });

  it("compares two drafts side by side on the same buckets", async () => {
    const answer = await load(`projet=${raiseId}&comparer=${linearId}&unites=100`);
    const { view, page } = answer.data as Page;
    expect(page.compareId).toBe(linearId);
    expect(view!.columns).toHaveLength(2);
    // Linear: 1,75 ; 2,50 × 2 ; 4,00 ; 4,00 = 14,75 € a meal against 16,08 €.
    expect(view!.columns[1]).toMatchObject({ up: "1", down: "3", unchanged: "0" });
    expect(plain(view!.columns[1]!.revenue!.difference)).toBe("−133,00 €");
    expect(view!.columns[0]!.buckets).toHaveLength(view!.columns[1]!.buckets.length);
  });

  it("ties a French message to invalid units, without a 500", async () => {
    for (const typed of ["beaucoup", "0", "-4", "2,5"]) {
      const answer = await load(`projet=${raiseId}&unites=${encodeURIComponent(typed)}`);
      expect(answer.status).toBe(200);
      const { page, view } = answer.data as Page;
      expect(page.errors.unites).toMatch(/unité/);
      expect(view!.columns[0]!.revenue).toBeNull();
      const html = plain(await renderRoute(simulationRoute.default, answer.data as object, path("")));
      expect(html).toContain("Un champ est à corriger");
      expect(html).toContain('aria-describedby="unites-error"');
    }
  });

  it("is for the commune's administrators only", async () => {
    expect((await load(`projet=${raiseId}`, agent)).status).toBe(403);
    expect((await load(`projet=${raiseId}`, foreignAdmin)).status).toBe(404);
    const foreign = await callRoute(simulationRoute, "loader", {
      path: path(""),
      params: { siret, serviceId },
      cookie: foreignAdmin,
    });
    expect(foreign.status).toBe(404);
    // A version that is not a draft of this service.
    expect((await load(`projet=${crypto.randomUUID()}`)).status).toBe(404);
    await expect(download(`projet=${raiseId}&format=xlsx`, agent)).rejects.toMatchObject({ status: 403 });
    await expect(download(`projet=${raiseId}&format=xlsx`, foreignAdmin)).rejects.toMatchObject({ status: 404 });
  });

  it("exports XLSX and ODS for the council and journals each export without names", async () => {
    const xlsx = await download(`projet=${raiseId}&comparer=${linearId}&unites=100&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("Content-Disposition")).toMatch(/simulation-restauration-scolaire-.*\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      "Synthèse",
      "Recettes",
      "Répartition",
      "Plus fortes hausses",
    ]);
    const revenue = workbook.getWorksheet("Recettes")!;
    expect(revenue.getRow(4).values).toEqual([undefined, "Différence de recettes annuelles", 352, -133]);
    const top = workbook.getWorksheet("Plus fortes hausses")!;
    expect(top.getRow(2).values).toEqual([undefined, "Projet à partir du 01/09/2099", 1000, 2, 6.08, 7.6, 1.52]);

    const ods = await download(`projet=${raiseId}&unites=100&format=ods`);
    expect(ods.headers.get("Content-Type")).toBe("application/vnd.oasis.opendocument.spreadsheet");
    const zip = await JSZip.loadAsync(await ods.arrayBuffer());
    expect(await zip.file("mimetype")!.async("string")).toBe("application/vnd.oasis.opendocument.spreadsheet");
    const content = await zip.file("content.xml")!.async("string");
    expect(content).toContain('table:name="Répartition"');
    expect(content).toContain('office:value="352.00"');

    const events = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, collectivityId), eq(auditEvents.action, "tariff_simulation.exported")));
    expect(events.map((e) => e.details)).toEqual([
      { format: "xlsx", versionIds: [raiseId, linearId], units: 100, families: 4 },
      { format: "ods", versionIds: [raiseId], units: 100, families: 4 },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/Alpha|Bravo|Charlie|Delta/);
  });
});
