import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { qfCampaignItems, qfCampaigns } from "../../db/schema/index.ts";
import { insertTariffService } from "../helpers/tariff-fixtures.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { campaignPriceChanges } from "../../app/portal/campaigns/campaign-price-changes.server.ts";
import CampaignPage, * as campaignRoute from "../../app/routes/portail.communes.$siret.campagnes.$campaignId/route.tsx";
import { insertFamily } from "../helpers/export-fixtures.ts";
import { addMember, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/*
 * « Familles dont le tarif change » of a yearly update, on the real database (PGlite, or
 * PostgreSQL with TEST_DATABASE_URL): per service, ups and downs between the QF before and after,
 * the rule in force when the campaign ended, scoped to the commune.
 */

let handle: DatabaseHandle;
let commune: { id: string; siret: string };
let other: { id: string; siret: string };
let campaignId: string;
let cookie: string;
const family: Record<string, string> = {};
const FINISHED = new Date("2026-10-05T10:00:00Z");

const grid = {
  kind: "grid",
  brackets: [
    { label: "A", min: 0, max: 500, priceCents: 100 },
    { label: "B", min: 501, max: 1000, priceCents: 250 },
    { label: "C", min: 1001, max: null, priceCents: 420 },
  ],
  noQfPriceCents: 500,
  roundingCents: 1,
  siblingReduction: null,
};
const effort = {
  kind: "effort",
  rate: 3200,
  floorCents: 50,
  ceilingCents: 420,
  noQfPriceCents: 420,
  roundingCents: 1,
  siblingReduction: null,
};

async function service(
  name: string,
  versions: { validFrom: string; rule: Record<string, unknown>; draft?: boolean }[],
) {
  const { serviceId } = await insertTariffService(handle.db, {
    collectivityId: commune.id,
    name,
    versions: versions.map((v) => ({ validFrom: v.validFrom, rule: v.rule, status: v.draft ? "draft" : "published" })),
  });
  return serviceId;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  commune = await createCommune(handle.db, "Angers", 71);
  other = await createCommune(handle.db, "Autre", 72);
  await service("Restauration scolaire", [
    { validFrom: "2025-09-01", rule: grid },
    // Published after the campaign ended: not the one the report uses.
    { validFrom: "2027-09-01", rule: { ...grid, noQfPriceCents: 1 } },
    { validFrom: "2026-11-01", rule: { ...grid, brackets: [] }, draft: true },
  ]);
  await service("Accueil du soir", [{ validFrom: "2025-09-01", rule: effort }]);
  const [campaign] = await handle.db
    .insert(qfCampaigns)
    .values({
      collectivityId: commune.id,
      annee: 2026,
      mois: 9,
      scope: "all",
      trigger: "cron",
      status: "done",
      finishedAt: FINISHED,
    })
    .returning();
  campaignId = campaign!.id;
  // name → [QF before, QF after, item status]
  const items: [string, number | null, number | null, "updated" | "failed"][] = [
    ["Arnaud", 300, 800, "updated"], // grid +1,50; effort 0,96 → 2,56 (+1,60)
    ["Bernard", 1412, 600, "updated"], // grid −1,70; effort 4,20 → 1,92 (−2,28)
    ["Carpentier", 520, 540, "updated"], // grid unchanged; effort 1,66 → 1,73 (+0,07)
    ["Dupont", null, 200, "updated"], // grid 5,00 → 1,00 (−4,00); effort 4,20 → 0,64 (−3,56)
    ["Etienne", 300, 900, "failed"], // not updated: not counted
    ["Fabre", 700, 700, "updated"], // same QF
  ];
  for (const [name, before, after, status] of items) {
    family[name] = await insertFamily(handle.db, commune.id, { familyName: name, givenNames: "Léa", qfValue: after });
    await handle.db
      .insert(qfCampaignItems)
      .values({ campaignId, familyId: family[name]!, status, oldValue: before, newValue: after });
  }
  const agent = await createAgent(handle.db, { email: "agent@angers.fr" });
  await addMember(handle.db, agent.id, commune.id, "agent");
  cookie = await signIn(handle.db, agent.id);
});

afterAll(async () => {
  await handle?.close();
});

describe("campaign price changes", () => {
  it("counts, sums and lists the largest changes per service, up and down", async () => {
    const changes = await campaignPriceChanges(handle.db, {
      campaignId,
      collectivityId: commune.id,
      finishedAt: FINISHED,
      limit: 10,
    });
    const summary = (name: string) => changes.find((c) => c.name === name)!.summary;
    const list = (side: { largest: { family: { familyName: string | null }; deltaCents: number }[] }) =>
      side.largest.map((c) => [c.family.familyName, c.deltaCents]);

    const canteen = summary("Restauration scolaire");
    expect(canteen.up).toMatchObject({ families: 1, totalCents: 150 });
    expect(list(canteen.up)).toEqual([["Arnaud", 150]]);
    expect(canteen.down).toMatchObject({ families: 2, totalCents: 170 + 400 });
    expect(list(canteen.down)).toEqual([
      ["Dupont", -400],
      ["Bernard", -170],
    ]);

    const evening = summary("Accueil du soir");
    expect(evening.up).toMatchObject({ families: 2, totalCents: 160 + 7 });
    expect(list(evening.up)).toEqual([
      ["Arnaud", 160],
      ["Carpentier", 7],
    ]);
    expect(list(evening.down)).toEqual([
      ["Dupont", -356],
      ["Bernard", -228],
    ]);
    expect(evening.up.largest[0]).toMatchObject({ beforeCents: 96, afterCents: 256 });
  });

  it("keeps only the largest `limit` each way", async () => {
    const changes = await campaignPriceChanges(handle.db, {
      campaignId,
      collectivityId: commune.id,
      finishedAt: FINISHED,
      limit: 1,
    });
    const evening = changes.find((c) => c.name === "Accueil du soir")!.summary;
    expect(evening.up.families).toBe(2);
    expect(evening.up.largest.map((c) => c.family.familyName)).toEqual(["Arnaud"]);
  });

  it("gives nothing for another commune's campaign", async () => {
    expect(
      await campaignPriceChanges(handle.db, { campaignId, collectivityId: other.id, finishedAt: FINISHED, limit: 10 }),
    ).toEqual([]);
  });

  it("shows the section on the campaign page with links to the families' files", async () => {
    const path = `/portail/communes/${commune.siret}/campagnes/${campaignId}`;
    const answer = await callRoute(campaignRoute, "loader", {
      path,
      params: { siret: commune.siret, campaignId },
      cookie,
    });
    expect(answer.status).toBe(200);
    const html = await renderRoute(CampaignPage, answer.data as object, path);
    expect(html).toContain("Familles dont le tarif change");
    expect(html).toContain("Restauration scolaire (par repas)");
    expect(html).toMatch(/En baisse : 2 familles, 5,70\s€ de moins au total par repas/);
    expect(html).toContain(`href="/portail/communes/${commune.siret}/dossiers/${family.Dupont}"`);
    expect(html).toMatch(/−4,00\s€/);
  });
});
