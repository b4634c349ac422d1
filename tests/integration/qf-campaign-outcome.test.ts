import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { families, qfCampaignItems, qfHistory, webhookEvents } from "../../db/schema/index.ts";
import type { QuotientFamilialOutcome } from "../../app/integrations/api-particulier/client.server.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { applyOutcome, claimItems, type ClaimedItem } from "../../app/portal/campaigns/campaign-items.server.ts";
import { campaignTestKey, createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { createEndpoint } from "../../app/webhooks/endpoints.server.ts";
import { testSiret } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/*
 * A QF answer of the yearly update is recorded in one statement when no webhook has to go with it
 * (issue 20: the January run spends its CPU on round trips). The statement must keep what the
 * transaction guaranteed: all of the result or none of it, only under the worker's lease, and a
 * current QF that only moves forward in time.
 */

let handle: DatabaseHandle;
const WORKER = "worker-outcome";
const options = { workerId: WORKER, maxTries: 4, maxRateLimited: 10, backoff: { baseDelayMs: 10, maxDelayMs: 20 } };

beforeAll(async () => {
  handle = await createTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

const answer = (valeur: number, annee = 2026, mois = 1): QuotientFamilialOutcome =>
  ({ kind: "ok", data: { quotient_familial: { fournisseur: "CNAF", valeur, annee, mois } } }) as never;

async function claimedItems(seed: number, count: number, subscribed = false): Promise<ClaimedItem[]> {
  const commune = await createCommuneWithToken(handle.db, {
    name: `Commune résultat ${seed}`,
    siret: testSiret(700 + seed),
    codeCog: "49007",
    token: `demo-api-particulier-${seed}`,
  });
  if (subscribed) {
    await createEndpoint(handle.db, {
      collectivityId: commune.id,
      actor: null,
      key: campaignTestKey,
      input: { url: "http://127.0.0.1:9/hook", description: null, events: ["qf.mis_a_jour"] },
    });
  }
  const fams = await insertSynthFamilies(handle.db, commune.id, count, 9000 + seed * 10);
  for (const f of fams) {
    await handle.db.update(families).set({ qfValue: 800, qfAnnee: 2025, qfMois: 1 }).where(eq(families.id, f.id));
  }
  await createCampaign(handle.db, {
    collectivityId: commune.id,
    familyIds: "all",
    trigger: "agent",
    agentId: null,
    period: { annee: 2026, mois: 1 },
  });
  const claimed = await claimItems(handle.db, WORKER, { limit: count, leaseMs: 60_000, perCampaign: count });
  expect(claimed).toHaveLength(count);
  return claimed;
}

const itemRow = async (id: string) =>
  (await handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.id, id)))[0]!;
const familyRow = async (id: string) => (await handle.db.select().from(families).where(eq(families.id, id)))[0]!;
const historyOf = (familyId: string) => handle.db.select().from(qfHistory).where(eq(qfHistory.familyId, familyId));

describe("recording a yearly update's QF answer", () => {
  it("writes the item's result, the history and the current QF together, unchanged or updated", async () => {
    const [changed, same] = await claimedItems(1, 2);
    await applyOutcome(handle.db, options, changed!, answer(1200));
    await applyOutcome(handle.db, options, same!, answer(800));

    expect(await itemRow(changed!.id)).toMatchObject({ status: "updated", newValue: 1200, leasedBy: null });
    expect(await itemRow(same!.id)).toMatchObject({ status: "unchanged", newValue: 800, leasedBy: null });
    expect(await familyRow(changed!.family_id)).toMatchObject({ qfValue: 1200, qfAnnee: 2026, qfMois: 1 });
    expect(await historyOf(changed!.family_id)).toMatchObject([{ value: 1200, source: "yearly_update" }]);
    expect(await historyOf(same!.family_id)).toMatchObject([{ value: 800, source: "yearly_update" }]);
    // No endpoint listens: no event is kept for nobody.
    expect(await handle.db.select().from(webhookEvents)).toHaveLength(0);
  });

  it("writes nothing when another worker holds the item's lease", async () => {
    const [item] = await claimedItems(2, 1);
    await handle.db.update(qfCampaignItems).set({ leasedBy: "other-worker" }).where(eq(qfCampaignItems.id, item!.id));

    await expect(applyOutcome(handle.db, options, item!, answer(1500))).rejects.toThrow(
      expect.objectContaining({ name: "LeaseLostError" }),
    );
    expect(await itemRow(item!.id)).toMatchObject({ status: "pending", leasedBy: "other-worker", newValue: null });
    expect(await familyRow(item!.family_id)).toMatchObject({ qfValue: 800, qfAnnee: 2025 });
    expect(await historyOf(item!.family_id)).toHaveLength(0);
  });

  it("keeps a newer current QF when the answer is for an older period, and still records the answer", async () => {
    const [item] = await claimedItems(3, 1);
    await handle.db
      .update(families)
      .set({ qfValue: 950, qfAnnee: 2026, qfMois: 6 })
      .where(eq(families.id, item!.family_id));

    await applyOutcome(handle.db, options, item!, answer(1100, 2026, 1));

    expect(await itemRow(item!.id)).toMatchObject({ status: "updated", newValue: 1100 });
    expect(await familyRow(item!.family_id)).toMatchObject({ qfValue: 950, qfAnnee: 2026, qfMois: 6 });
    expect(await historyOf(item!.family_id)).toMatchObject([{ value: 1100, annee: 2026, mois: 1 }]);
  });

  it("writes a qf.mis_a_jour event with a change the commune listens to, and none for an older period", async () => {
    const [changed, older, same] = await claimedItems(4, 3, true);
    await handle.db
      .update(families)
      .set({ qfValue: 950, qfAnnee: 2026, qfMois: 6 })
      .where(eq(families.id, older!.family_id));

    await applyOutcome(handle.db, options, changed!, answer(1200));
    await applyOutcome(handle.db, options, older!, answer(1100, 2026, 1));
    await applyOutcome(handle.db, options, same!, answer(800));

    expect(await itemRow(changed!.id)).toMatchObject({ status: "updated", newValue: 1200, leasedBy: null });
    expect(await itemRow(older!.id)).toMatchObject({ status: "updated", newValue: 1100, leasedBy: null });
    expect(await itemRow(same!.id)).toMatchObject({ status: "unchanged", newValue: 800, leasedBy: null });
    expect(await familyRow(changed!.family_id)).toMatchObject({ qfValue: 1200, qfAnnee: 2026, qfMois: 1 });
    expect(await familyRow(older!.family_id)).toMatchObject({ qfValue: 950, qfAnnee: 2026, qfMois: 6 });
    for (const item of [changed!, older!, same!]) expect(await historyOf(item.family_id)).toHaveLength(1);
    const events = await handle.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.collectivityId, changed!.collectivity_id));
    expect(events.map((e) => JSON.parse(e.body) as { type: string; data: { dossier_id: string } })).toMatchObject([
      { type: "qf.mis_a_jour", data: { dossier_id: changed!.family_id, ancienne_valeur: 800 } },
    ]);
  });

  it("writes nothing, not even the event, when another worker holds the lease of a change the commune listens to", async () => {
    const [item] = await claimedItems(5, 1, true);
    await handle.db.update(qfCampaignItems).set({ leasedBy: "other-worker" }).where(eq(qfCampaignItems.id, item!.id));

    await expect(applyOutcome(handle.db, options, item!, answer(1500))).rejects.toThrow(
      expect.objectContaining({ name: "LeaseLostError" }),
    );
    expect(await itemRow(item!.id)).toMatchObject({ status: "pending", leasedBy: "other-worker" });
    expect(await historyOf(item!.family_id)).toHaveLength(0);
    expect(
      await handle.db.select().from(webhookEvents).where(eq(webhookEvents.collectivityId, item!.collectivity_id)),
    ).toHaveLength(0);
  });
});
