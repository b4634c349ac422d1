import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { insertTariffService } from "../helpers/tariff-fixtures.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { countInboxTabs, listInbox, parseInboxQuery } from "../../app/portal/dossiers/dossier-list-query.server.ts";
import { createExportSource } from "../../app/portal/exports/export-source.server.ts";
import { resolveCampaignTarget } from "../../app/portal/campaigns/campaign-portal.server.ts";
import InboxPage, * as inboxRoute from "../../app/routes/portail.communes.$siret.dossiers._index/route.tsx";
import { insertFamily } from "../helpers/export-fixtures.ts";
import { addMember, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/*
 * Price columns and the price range filter of the inbox, on the real database (PGlite, or
 * PostgreSQL with TEST_DATABASE_URL): values, one scope for list, counters, export and campaign,
 * French errors instead of a 500, and another commune's service never prices anything.
 */

let handle: DatabaseHandle;
let commune: { id: string; siret: string };
let other: { id: string; siret: string };
let cookie: string;
let canteen: string;
let evening: string;
let foreignService: string;
let draftOnly: string;
const family: Record<string, string> = {};

const canteenGrid = {
  kind: "grid",
  brackets: [
    { label: "A", min: 0, max: 500, priceCents: 100 },
    { label: "B", min: 501, max: 1000, priceCents: 250 },
    { label: "C", min: 1001, max: null, priceCents: 420 },
  ],
  noQfPriceCents: 500,
  roundingCents: 1,
  siblingReduction: { percent: 10, fromChild: 2 },
};
// 0,32 % × QF, between 0,50 € and 4,20 €.
const eveningEffort = {
  kind: "effort",
  rate: 3200,
  floorCents: 50,
  ceilingCents: 420,
  noQfPriceCents: 420,
  roundingCents: 1,
  siblingReduction: null,
};

async function service(
  collectivityId: string,
  name: string,
  rule: Record<string, unknown>,
  status: "published" | "draft" = "published",
) {
  const versions = [{ validFrom: "2024-09-01", rule, status }];
  return (await insertTariffService(handle.db, { collectivityId, name, perChild: true, versions })).serviceId;
}

const query = (params: string) => parseInboxQuery(new URLSearchParams(`onglet=tous&tri=nom&${params}`));

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  commune = await createCommune(handle.db, "Angers", 61);
  other = await createCommune(handle.db, "Autre", 62);
  canteen = await service(commune.id, "Restauration scolaire", canteenGrid);
  evening = await service(commune.id, "Accueil du soir", eveningEffort);
  draftOnly = await service(commune.id, "Crèche", eveningEffort, "draft");
  foreignService = await service(other.id, "Cantine d’ailleurs", { ...canteenGrid, noQfPriceCents: 1 });
  for (const [name, qf] of [
    ["Arnaud", 300],
    ["Bernard", 800],
    ["Carpentier", 1412],
    ["Dupont", null],
  ] as const) {
    family[name] = await insertFamily(handle.db, commune.id, { familyName: name, givenNames: "Léa", qfValue: qf });
  }
  await insertFamily(handle.db, other.id, { familyName: "Ailleurs", givenNames: "Jean", qfValue: 300 });
  const agent = await createAgent(handle.db, { email: "agent@angers.fr" });
  await addMember(handle.db, agent.id, commune.id, "agent");
  cookie = await signIn(handle.db, agent.id);
});

afterAll(async () => {
  await handle?.close();
});

describe("inbox prices", () => {
  it("shows the price in force today for each chosen service, first child, price without QF when unknown", async () => {
    const page = await listInbox(handle.db, commune.id, query(`tarifs=${canteen}&tarifs=${evening}`));
    expect(page.priceColumns.map((s) => s.name)).toEqual(["Accueil du soir", "Restauration scolaire"]);
    expect(page.rows.map((row) => [row.familyName, ...row.prices])).toEqual([
      ["Arnaud", 96, 100],
      ["Bernard", 256, 250],
      ["Carpentier", 420, 420],
      ["Dupont", 420, 500],
    ]);
  });

  it("ignores drafts and another commune's services as columns", async () => {
    const page = await listInbox(handle.db, commune.id, query(`tarifs=${draftOnly}&tarifs=${foreignService}`));
    expect(page.priceColumns).toEqual([]);
    expect(page.rows.every((row) => row.prices.length === 0)).toBe(true);
  });

  it("filters by a price range in the shared scope: list, counters, export and campaign agree", async () => {
    const q = query(`tarifService=${canteen}&tarifMin=2,50&tarifMax=5`);
    const page = await listInbox(handle.db, commune.id, q);
    expect(page.rows.map((row) => row.familyName)).toEqual(["Bernard", "Carpentier", "Dupont"]);
    expect(page.total).toBe(3);
    expect((await countInboxTabs(handle.db, commune.id, q)).tous).toBe(3);
    const source = await createExportSource(handle.db, { collectivityId: commune.id, query: q, asOf: new Date() });
    expect(await source.count()).toBe(3);
    const target = await resolveCampaignTarget(handle.db, commune.id, { scope: "search", query: q });
    expect(target.matchedCount).toBe(3);

    const effort = await listInbox(handle.db, commune.id, query(`tarifService=${evening}&tarifMax=3`));
    expect(effort.rows.map((row) => row.familyName)).toEqual(["Arnaud", "Bernard"]);
    const exact = await listInbox(handle.db, commune.id, query(`tarifService=${evening}&tarifMin=2,56&tarifMax=2,56`));
    expect(exact.rows.map((row) => row.familyName)).toEqual(["Bernard"]);
  });

  it("matches nothing with another commune's service or one without a rule in force", async () => {
    for (const id of [foreignService, draftOnly]) {
      const page = await listInbox(handle.db, commune.id, query(`tarifService=${id}&tarifMin=0`));
      expect(page.total).toBe(0);
      expect(page.rows).toEqual([]);
    }
    // And the other commune's list never shows this commune's prices.
    const page = await listInbox(handle.db, other.id, query(`tarifs=${canteen}&tarifService=${canteen}&tarifMin=0`));
    expect(page.priceColumns).toEqual([]);
    expect(page.total).toBe(0);
  });

  it("answers a mistyped amount with a French message on its field, never a 500", async () => {
    const path = `/portail/communes/${commune.siret}/dossiers?onglet=tous&tarifService=${canteen}&tarifMin=deux&tarifMax=1`;
    const answer = await callRoute(inboxRoute, "loader", { path, params: { siret: commune.siret }, cookie });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ total: 0, rows: [] });
    const html = await renderRoute(InboxPage, answer.data as object, path);
    expect(html).toContain(
      "Le tarif minimum doit être un montant en euros positif, avec deux décimales au plus (par exemple 4,50).",
    );
    expect(html).toMatch(/id="tarifMin"[^>]*aria-invalid="true"/);
    expect(html).toContain('href="#tarifMin"');

    const backwards = `/portail/communes/${commune.siret}/dossiers?onglet=tous&tarifService=${canteen}&tarifMin=5&tarifMax=1`;
    const second = await callRoute(inboxRoute, "loader", { path: backwards, params: { siret: commune.siret }, cookie });
    const page = await renderRoute(InboxPage, second.data as object, backwards);
    expect(page).toContain("est inférieur au tarif minimum");
  });

  it("renders the chosen columns with the sibling reduction said in the header", async () => {
    const path = `/portail/communes/${commune.siret}/dossiers?onglet=tous&tarifs=${canteen}`;
    const answer = await callRoute(inboxRoute, "loader", { path, params: { siret: commune.siret }, cookie });
    const html = await renderRoute(InboxPage, answer.data as object, path);
    expect(html).toContain("Tarif : Restauration scolaire");
    expect(html).toContain("1er enfant (−10 % à partir du 2e)");
    expect(html).toMatch(/2,50\s€/);
    // The picker offers only the commune's services in force; the checked one stays checked.
    expect(html).toMatch(
      new RegExp(`<input[^>]*checked=""[^>]*value="${canteen}"|<input[^>]*value="${canteen}"[^>]*checked=""`),
    );
    expect(html).not.toContain("Cantine d’ailleurs");
    expect(html).not.toContain("Crèche");
  });
});
