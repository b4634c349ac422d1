import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, tariffVersions } from "../../db/schema/index.ts";
import type { PriceRule } from "../../app/domain/pricing/rules.ts";
import {
  createTariffService,
  deleteDraftVersion,
  loadTariffService,
  publishVersion,
  saveDraftVersion,
  type Actor,
} from "../../app/portal/tariffs/tariffs.server.ts";
import { addMember, createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const effort: PriceRule = {
  kind: "effort",
  rate: 3200,
  floorCents: 50,
  ceilingCents: 420,
  noQfPriceCents: 420,
  roundingCents: 1,
  siblingReduction: null,
};

/** Services and versions over real SQL: frozen publications, no overlap, every change journaled. */
describe("tariff rules storage", () => {
  let handle: DatabaseHandle;
  let actor: Actor;
  let other: Actor;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const commune = await createCommune(handle.db, "Angers", 1);
    const elsewhere = await createCommune(handle.db, "Cholet", 2);
    const admin = await createAgent(handle.db, { email: "admin@angers.test" });
    await addMember(handle.db, admin.id, commune.id, "admin");
    actor = { agentId: admin.id, collectivityId: commune.id };
    other = { agentId: admin.id, collectivityId: elsewhere.id };
  });
  afterAll(async () => handle?.close());

  it("drafts, publishes without overlap, keeps published versions frozen and journals each step", async () => {
    const created = await createTariffService(handle.db, actor, {
      name: "Accueil du soir",
      unit: "heure",
      perChild: false,
      expectedUnitsPerYear: 100,
    });
    if (!created.ok) throw new Error("not created");
    const serviceId = created.value;
    expect(
      await createTariffService(handle.db, actor, {
        name: "Accueil du soir",
        unit: "repas",
        perChild: false,
        expectedUnitsPerYear: null,
      }),
    ).toEqual({ ok: false, errors: { name: "La commune a déjà un service de ce nom." } });

    const service = (await loadTariffService(handle.db, actor.collectivityId, serviceId))!;
    const first = await saveDraftVersion(handle.db, actor, service, {
      versionId: null,
      validFrom: "2025-09-01",
      rule: effort,
    });
    const second = await saveDraftVersion(handle.db, actor, service, {
      versionId: null,
      validFrom: "2026-09-01",
      rule: { ...effort, rate: 3500 },
    });
    if (!first.ok || !second.ok) throw new Error("not drafted");
    expect(await publishVersion(handle.db, actor, serviceId, first.value, "2025-09-01")).toEqual({
      ok: true,
      value: null,
    });
    // Same start date, or earlier: overlap, refused with a message on the date field.
    const overlap = await publishVersion(handle.db, actor, serviceId, second.value, "2025-09-01");
    expect(overlap).toMatchObject({
      ok: false,
      errors: { validFrom: expect.stringMatching(/chevauche la version publiée qui commence le 01\/09\/2025/) },
    });
    expect(await publishVersion(handle.db, actor, serviceId, second.value, "2026-09-01")).toEqual({
      ok: true,
      value: null,
    });

    // A published version can be neither edited, republished nor deleted.
    const reloaded = (await loadTariffService(handle.db, actor.collectivityId, serviceId))!;
    expect(reloaded.versions.map((v) => [v.validFrom, v.status])).toEqual([
      ["2025-09-01", "published"],
      ["2026-09-01", "published"],
    ]);
    expect(
      await saveDraftVersion(handle.db, actor, reloaded, {
        versionId: first.value,
        validFrom: "2025-09-01",
        rule: { ...effort, rate: 1 },
      }),
    ).toMatchObject({ ok: false });
    expect(await publishVersion(handle.db, actor, serviceId, first.value, "2030-01-01")).toMatchObject({ ok: false });
    expect(await deleteDraftVersion(handle.db, actor, serviceId, first.value)).toBe(false);
    const [stored] = await handle.db.select().from(tariffVersions).where(eq(tariffVersions.id, first.value));
    expect(stored!.rule).toMatchObject({ rate: 3200 });

    // Another commune reaches none of it.
    expect(await loadTariffService(handle.db, other.collectivityId, serviceId)).toBeNull();
    expect(await publishVersion(handle.db, other, serviceId, second.value, "2031-01-01")).toMatchObject({ ok: false });
    const draft = await saveDraftVersion(handle.db, actor, reloaded, {
      versionId: null,
      validFrom: "2027-09-01",
      rule: effort,
    });
    if (!draft.ok) throw new Error("not drafted");
    expect(await deleteDraftVersion(handle.db, other, serviceId, draft.value)).toBe(false);
    expect(await deleteDraftVersion(handle.db, actor, serviceId, draft.value)).toBe(true);

    const actions = (
      await handle.db.select().from(auditEvents).where(eq(auditEvents.collectivityId, actor.collectivityId))
    ).map((e) => e.action);
    expect(actions).toEqual([
      "tariff_service.created",
      "tariff_version.drafted",
      "tariff_version.drafted",
      "tariff_version.published",
      "tariff_version.published",
      "tariff_version.drafted",
      "tariff_version.deleted",
    ]);
  });

  it("refuses an invalid rule at the storage boundary too", async () => {
    const created = await createTariffService(handle.db, actor, {
      name: "Crèche",
      unit: "heure",
      perChild: false,
      expectedUnitsPerYear: null,
    });
    if (!created.ok) throw new Error("not created");
    const service = (await loadTariffService(handle.db, actor.collectivityId, created.value))!;
    const saved = await saveDraftVersion(handle.db, actor, service, {
      versionId: null,
      validFrom: "2027-09-01",
      rule: { ...effort, floorCents: 900 },
    });
    expect(saved.ok).toBe(false);
    expect(await handle.db.select().from(tariffVersions).where(eq(tariffVersions.serviceId, created.value))).toEqual(
      [],
    );
  });
});
