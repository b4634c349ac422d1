import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  collectivities,
  families,
  qfCampaignAlerts,
  qfCampaignItems,
  qfCampaigns,
  qfHistory,
  receivedCases,
  webhookEventDeliveries,
  webhookEvents,
} from "../../db/schema/index.ts";
import { duboisShipment, stagingQuotientFamilial } from "../fixtures/shipment-data.ts";
import { buildAttachments } from "../../app/formulaire-qf/index.ts";
import type { ShipmentData } from "../../app/formulaire-qf/types.ts";
import type { ApiParticulierClient } from "../../app/integrations/api-particulier/client.server.ts";
import { createHubeeClient } from "../../app/integrations/hubee/client.server.ts";
import { createHubeeReceiver } from "../../app/integrations/hubee/receiver.server.ts";
import { createHubeeTokenProvider } from "../../app/integrations/hubee/token.server.ts";
import { controlCampaign, createCampaign, stopCommuneCampaigns } from "../../app/portal/campaigns/campaigns.server.ts";
import { createTokenPacer } from "../../app/integrations/api-particulier/token-pacer.server.ts";
import { runCampaignWorker } from "../../app/portal/campaigns/worker.server.ts";
import { ingestCommuneInbox } from "../../app/portal/hubee-reception/poll-inbox.server.ts";
import { saveLookupAsFamily } from "../../app/portal/qf-lookup/save-lookup.server.ts";
import { createEndpoint } from "../../app/webhooks/endpoints.server.ts";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import type { InjectFolderInput } from "../../simulators/hubee/index.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { campaignTestKey, createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { createAgent, createCommune, testSiret } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";
import { schemaErrors } from "../helpers/webhook-receiver.ts";

/**
 * The emitters of outgoing webhooks: HubEE ingestion (dossier.recu, qf.mis_a_jour) and the
 * campaign worker (qf.mis_a_jour, campagne.terminee) write their events in the transaction of
 * the change. A trigger that makes the event insert fail proves it: the change is rolled back
 * with it. campagne.terminee is written for every end of a campaign: done, created already done,
 * stopped by an agent, stopped on the commune's token.
 */

const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;
let sims: RunningSimulators;
let handle: DatabaseHandle;

beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
  handle = await createTestDatabase();
});

afterAll(async () => {
  await handle?.close();
  await sims?.close();
});

async function subscribe(collectivityId: string) {
  return createEndpoint(handle.db, {
    collectivityId,
    actor: null,
    key: campaignTestKey,
    input: {
      url: "http://127.0.0.1:9/hook",
      description: null,
      events: ["dossier.recu", "qf.mis_a_jour", "campagne.terminee"],
    },
  });
}

/** Makes every insert into webhook_events fail, as a broken outbox would. */
async function breakOutbox() {
  await handle.db.execute(sql`create or replace function webhook_events_fail() returns trigger language plpgsql as $$
    begin raise exception 'outbox unavailable'; end $$`);
  await handle.db.execute(
    sql`create trigger webhook_events_fail before insert on webhook_events for each row execute function webhook_events_fail()`,
  );
}
async function repairOutbox() {
  await handle.db.execute(sql`drop trigger webhook_events_fail on webhook_events`);
}

const eventsOf = async (collectivityId: string) =>
  (
    await handle.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.collectivityId, collectivityId))
      .orderBy(webhookEvents.createdAt)
  ).map((e) => ({ ...e, payload: JSON.parse(e.body) as { type: string; data: Record<string, unknown> } }));

let referenceCounter = 0;
async function injectTransmission(shipment: Partial<ShipmentData> = {}) {
  const reference = (0xb0000000000 + ++referenceCounter).toString(16).toUpperCase().padStart(13, "0");
  const data = duboisShipment({
    reference,
    collectivity: { name: ANGERS.name, siret: ANGERS.siret, codeCog: ANGERS.codeCog },
    ...shipment,
  });
  const files = await buildAttachments(data);
  const externalId = `Formulaire-QF-${reference}`;
  const input: InjectFolderInput = {
    recipientSiret: ANGERS.siret,
    externalId,
    caseExternalId: externalId,
    applicant: { firstName: data.pivotIdentity.givenNames.join(" "), lastName: data.pivotIdentity.familyName },
    attachments: files.map((f) => ({
      fileName: f.fileName,
      mimeType: f.mimeType,
      contentBase64: f.content.toString("base64"),
    })),
  };
  const response = await fetch(`${sims.url}/__admin/hubee/folders/inject`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  expect(response.status).toBe(201);
  return reference;
}

describe("HubEE ingestion emits dossier.recu and qf.mis_a_jour", () => {
  it("writes the events with the case, or neither", async () => {
    const [angers] = await handle.db
      .insert(collectivities)
      .values({ name: ANGERS.name, siret: ANGERS.siret, codeCog: ANGERS.codeCog, departement: ANGERS.departement })
      .returning();
    const { endpoint } = await subscribe(angers!.id);
    const tokens = createHubeeTokenProvider({
      tokenUrl: sims.hubeeTokenUrl,
      clientId: ANGERS.hubeeSi.clientId,
      clientSecret: ANGERS.hubeeSi.clientSecret,
      scope: "SI",
    });
    const receiver = createHubeeReceiver(createHubeeClient({ apiUrl: sims.hubeeApiUrl, tokens }));
    const commune = { id: angers!.id, name: angers!.name };

    const reference = await injectTransmission();
    await breakOutbox();
    try {
      const counts = await ingestCommuneInbox(handle.db, receiver, commune);
      expect(counts).toMatchObject({ cases: 0, failed: 1 });
    } finally {
      await repairOutbox();
    }
    // Rolled back together: no family, no case, no QF, no event.
    expect(await handle.db.select().from(families).where(eq(families.collectivityId, angers!.id))).toEqual([]);
    expect(await handle.db.select().from(receivedCases)).toEqual([]);
    expect(await eventsOf(angers!.id)).toEqual([]);

    // The next run (HubEE kept the notification) stores the case and its event together.
    expect(await ingestCommuneInbox(handle.db, receiver, commune)).toMatchObject({ cases: 1 });
    const [family] = await handle.db.select().from(families).where(eq(families.collectivityId, angers!.id));
    const [kase] = await handle.db.select().from(receivedCases);
    let events = await eventsOf(angers!.id);
    expect(events.map((e) => e.type)).toEqual(["dossier.recu"]);
    expect(events[0]!.payload.data).toMatchObject({
      dossier_id: family!.id,
      teledossier_hubee_id: kase!.hubeeCaseId,
      reference,
      numero_dossier_commune: "DOSSIER-42",
      statut: "recu",
      nouvelle_famille: true,
      identite: { nom_naissance: "DUBOIS", prenoms: "Angela Claire Louise", sexe: "F", date_naissance: "1962-08-24" },
      quotient_familial: { valeur: 2550, fournisseur: "CNAF" },
    });
    const deliveries = await handle.db
      .select()
      .from(webhookEventDeliveries)
      .where(eq(webhookEventDeliveries.endpointId, endpoint.id));
    expect(deliveries.map((d) => d.status)).toEqual(["pending"]);

    // The same family transmits a later QF: a known file, and its QF changed.
    const newer = stagingQuotientFamilial("dubois");
    newer.quotient_familial = { ...newer.quotient_familial!, valeur: 2700, annee: 2026, mois: 1 };
    await injectTransmission({ quotientFamilial: newer });
    // And an older one again: no QF change (the current QF only moves forward).
    await injectTransmission();
    expect(await ingestCommuneInbox(handle.db, receiver, commune)).toMatchObject({ cases: 2 });
    events = await eventsOf(angers!.id);
    expect(events.map((e) => e.type)).toEqual(["dossier.recu", "dossier.recu", "qf.mis_a_jour", "dossier.recu"]);
    expect(events[1]!.payload.data).toMatchObject({ nouvelle_famille: false, dossier_id: family!.id });
    expect(events[2]!.payload.data).toEqual({
      dossier_id: family!.id,
      ancienne_valeur: 2550,
      nouveau: { valeur: 2700, annee: 2026, mois: 1, fournisseur: "CNAF" },
      origine: "transmission",
      campagne_id: null,
    });
    for (const event of events) expect(schemaErrors(event.payload)).toEqual([]);
  });
});

describe("the campaign worker emits qf.mis_a_jour and campagne.terminee", () => {
  it("writes a QF change with the item's result, or neither, and the campaign's end with its counts", async () => {
    const commune = await createCommuneWithToken(handle.db, {
      name: "Commune campagne",
      siret: testSiret(901),
      codeCog: "49007",
      token: "demo-api-particulier-49007",
    });
    await subscribe(commune.id);
    const fams = await insertSynthFamilies(handle.db, commune.id, 3, 5001);
    const before = [1000, 900, null];
    for (const [i, value] of before.entries()) {
      await handle.db
        .update(families)
        .set({ qfValue: value, qfAnnee: value === null ? null : 2025, qfMois: value === null ? null : 1 })
        .where(eq(families.id, fams[i]!.id));
    }
    const after = new Map([
      [fams[0]!.id, 1200],
      [fams[1]!.id, 900],
      [fams[2]!.id, 500],
    ]);
    const campaign = (await createCampaign(handle.db, {
      collectivityId: commune.id,
      familyIds: "all",
      trigger: "agent",
      agentId: null,
      period: { annee: 2026, mois: 1 },
    }))!;
    const items = await handle.db
      .select({ id: qfCampaignItems.id, familyId: qfCampaignItems.familyId })
      .from(qfCampaignItems)
      .where(eq(qfCampaignItems.campaignId, campaign.id));
    const familyOfSynth = new Map<string, string>();
    for (const f of fams) familyOfSynth.set(f.simulatorKey.split("|")[0]!, f.id);
    expect(items).toHaveLength(3);

    const client: ApiParticulierClient = {
      quotientFamilialWithFranceConnect: () => Promise.reject(new Error("not used")),
      quotientFamilialWithIdentity: (_token, params) => {
        const familyId = familyOfSynth.get(params.get("nomNaissance") ?? "")!;
        return Promise.resolve({
          kind: "ok",
          data: { quotient_familial: { fournisseur: "CNAF", valeur: after.get(familyId)!, annee: 2026, mois: 1 } },
        } as never);
      },
    };
    const run = (until: number) =>
      runCampaignWorker(
        handle.db,
        {
          client,
          pacer: createTokenPacer(handle.db, { ratePerSecond: 10, limitPerSecond: 20 }),
          encryptionKey: campaignTestKey,
        },
        {
          workerId: `w-${crypto.randomUUID()}`,
          until,
          claimLeaseMs: 200,
          callLeaseMs: 200,
          idlePollMs: 50,
        },
      );

    await breakOutbox();
    try {
      await run(Date.now() + 600);
    } finally {
      await repairOutbox();
    }
    // The two changed QFs could not write their event: their results were rolled back too.
    const history = await handle.db
      .select()
      .from(qfHistory)
      .where(
        sql`${qfHistory.familyId} in (${sql.join(
          fams.map((f) => sql`${f.id}::uuid`),
          sql`, `,
        )})`,
      );
    expect(history.filter((h) => h.value === 1200 || h.value === 500)).toEqual([]);
    const [stillOld] = await handle.db.select().from(families).where(eq(families.id, fams[0]!.id));
    expect(stillOld!.qfValue).toBe(1000);
    expect(await eventsOf(commune.id)).toEqual([]);

    // Repaired: the leases expire, another run finishes the campaign.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const result = await run(Date.now() + 5_000);
    expect(result.finishedCampaigns).toBe(1);
    const events = await eventsOf(commune.id);
    const qfEvents = events.filter((e) => e.type === "qf.mis_a_jour");
    expect(
      qfEvents.map((e) => e.payload.data).sort((a, b) => Number(a.ancienne_valeur) - Number(b.ancienne_valeur)),
    ).toEqual([
      {
        dossier_id: fams[2]!.id,
        ancienne_valeur: null,
        nouveau: { valeur: 500, annee: 2026, mois: 1, fournisseur: "CNAF" },
        origine: "mise_a_jour_annuelle",
        campagne_id: campaign.id,
      },
      {
        dossier_id: fams[0]!.id,
        ancienne_valeur: 1000,
        nouveau: { valeur: 1200, annee: 2026, mois: 1, fournisseur: "CNAF" },
        origine: "mise_a_jour_annuelle",
        campagne_id: campaign.id,
      },
    ]);
    const finished = events.filter((e) => e.type === "campagne.terminee");
    expect(finished).toHaveLength(1);
    expect(finished[0]!.payload.data).toMatchObject({
      campagne_id: campaign.id,
      annee: 2026,
      mois: 1,
      declenchement: "agent",
      total: 3,
      resultats: { mis_a_jour: 2, inchanges: 1, introuvables: 0, rejetes: 0, en_echec: 0 },
    });
    for (const event of events) expect(schemaErrors(event.payload)).toEqual([]);
  });
});

describe("a QF saved from a manual lookup emits qf.mis_a_jour", () => {
  it("only when the current QF of a known family changes, in the save's transaction", async () => {
    const { id: collectivityId } = await createCommune(handle.db, "Lookupville", 91);
    const agent = await createAgent(handle.db, { email: "agent.lookup@example.fr" });
    await subscribe(collectivityId);
    const dubois = duboisShipment();
    const result = (valeur: number, mois: number) => ({
      identity: dubois.pivotIdentity,
      data: {
        ...dubois.quotientFamilial,
        quotient_familial: {
          fournisseur: "CNAF" as const,
          valeur,
          annee: 2026,
          mois,
          annee_calcul: 2026,
          mois_calcul: mois,
        },
      },
    });
    const save = (valeur: number, mois: number) =>
      saveLookupAsFamily(handle.db, {
        collectivityId,
        agentId: agent.id,
        requestId: null,
        result: { ...result(valeur, mois), lookupId: crypto.randomUUID() },
      });

    const created = await save(800, 3);
    expect(created?.isNew).toBe(true);
    // A new file is not an update of a QF the commune knew.
    expect((await eventsOf(collectivityId)).filter((e) => e.type === "qf.mis_a_jour")).toEqual([]);

    await save(800, 4); // same value, later month: nothing changed for billing
    await save(950, 5);
    await save(100, 1); // an older period never replaces the current QF
    const events = (await eventsOf(collectivityId)).filter((e) => e.type === "qf.mis_a_jour");
    expect(events.map((e) => e.payload.data)).toEqual([
      {
        dossier_id: created!.familyId,
        ancienne_valeur: 800,
        nouveau: { valeur: 950, annee: 2026, mois: 5, fournisseur: "CNAF" },
        origine: "recherche_manuelle",
        campagne_id: null,
      },
    ]);
    for (const event of events) expect(schemaErrors(event.payload)).toEqual([]);
  });
});

describe("campagne.terminee for every way a campaign ends", () => {
  let seed = 950;
  async function subscribedCommune(families = 3) {
    seed++;
    const commune = await createCommuneWithToken(handle.db, {
      name: `Commune fin ${seed}`,
      siret: testSiret(seed),
      codeCog: "49007",
      token: `token-fin-${seed}`,
    });
    await subscribe(commune.id);
    const fams = families > 0 ? await insertSynthFamilies(handle.db, commune.id, families, seed * 10) : [];
    return { commune, familyIds: fams.map((f) => f.id) };
  }
  const endedEvents = async (collectivityId: string) =>
    (await eventsOf(collectivityId)).filter((e) => e.type === "campagne.terminee");
  const statusOf = async (campaignId: string) =>
    (await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaignId)))[0]!;
  const start = (collectivityId: string, familyIds: string[] | "all" = "all", trigger: "agent" | "cron" = "agent") =>
    createCampaign(handle.db, {
      collectivityId,
      familyIds,
      scope: "selection",
      trigger,
      agentId: null,
      period: { annee: 2027, mois: 1 },
    });

  it("is written when a campaign is created already done (no family to ask), or nothing is created", async () => {
    const { commune } = await subscribedCommune(0);
    await breakOutbox();
    try {
      await expect(start(commune.id, "all", "cron")).rejects.toThrow();
    } finally {
      await repairOutbox();
    }
    expect(await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.collectivityId, commune.id))).toEqual([]);

    const campaign = (await start(commune.id, "all", "cron"))!;
    expect(campaign).toMatchObject({ status: "done", totalCount: 0 });
    const events = await endedEvents(commune.id);
    expect(events.map((e) => e.payload.data)).toEqual([
      {
        campagne_id: campaign.id,
        annee: 2027,
        mois: 1,
        declenchement: "planifie",
        termine_le: campaign.finishedAt!.toISOString(),
        statut: "terminee",
        motif_arret: null,
        total: 0,
        resultats: { mis_a_jour: 0, inchanges: 0, introuvables: 0, rejetes: 0, en_echec: 0 },
      },
    ]);
    expect(schemaErrors(events[0]!.payload)).toEqual([]);
  });

  it("is written when an agent stops a campaign, with the results so far, in the stop's transaction", async () => {
    const { commune, familyIds } = await subscribedCommune(3);
    const campaign = (await start(commune.id))!;
    await handle.db
      .update(qfCampaignItems)
      .set({ status: "not_found", errorCode: "404", finishedAt: new Date() })
      .where(and(eq(qfCampaignItems.campaignId, campaign.id), eq(qfCampaignItems.familyId, familyIds[0]!)));
    const stop = (action: "pause" | "stop") =>
      controlCampaign(handle.db, {
        campaignId: campaign.id,
        collectivityId: commune.id,
        agentId: null as never,
        action,
      });

    expect(await stop("pause")).toMatchObject({ status: "paused" });
    expect(await endedEvents(commune.id)).toEqual([]);
    await breakOutbox();
    try {
      await expect(stop("stop")).rejects.toThrow();
    } finally {
      await repairOutbox();
    }
    expect((await statusOf(campaign.id)).status).toBe("paused");

    const stopped = (await stop("stop"))!;
    expect(stopped).toMatchObject({ status: "stopped", stopReason: "agent" });
    expect(await stop("stop")).toBeNull();
    const events = await endedEvents(commune.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload.data).toEqual({
      campagne_id: campaign.id,
      annee: 2027,
      mois: 1,
      declenchement: "agent",
      termine_le: stopped.finishedAt!.toISOString(),
      statut: "arretee",
      motif_arret: "agent",
      total: 3,
      resultats: { mis_a_jour: 0, inchanges: 0, introuvables: 1, rejetes: 0, en_echec: 0 },
    });
    expect(schemaErrors(events[0]!.payload)).toEqual([]);
  });

  it("is written for each open campaign a refused or missing token stops, once, with the stop and the alert", async () => {
    const { commune, familyIds } = await subscribedCommune(3);
    const first = (await start(commune.id, [familyIds[0]!]))!;
    const second = (await start(commune.id, [familyIds[1]!, familyIds[2]!]))!;
    await controlCampaign(handle.db, {
      campaignId: second.id,
      collectivityId: commune.id,
      agentId: null as never,
      action: "pause",
    });
    await breakOutbox();
    try {
      await expect(
        stopCommuneCampaigns(handle.db, commune.id, first.id, "token_unauthorized", 401, null),
      ).rejects.toThrow();
    } finally {
      await repairOutbox();
    }
    // Rolled back together: still open, no alert.
    expect([(await statusOf(first.id)).status, (await statusOf(second.id)).status]).toEqual(["running", "paused"]);
    const alerts = () =>
      handle.db.select().from(qfCampaignAlerts).where(eq(qfCampaignAlerts.collectivityId, commune.id));
    expect(await alerts()).toEqual([]);

    const stopped = await stopCommuneCampaigns(handle.db, commune.id, first.id, "token_unauthorized", 401, null);
    expect(stopped.sort()).toEqual([first.id, second.id].sort());
    // Another worker meeting the same 401: nothing more.
    expect(await stopCommuneCampaigns(handle.db, commune.id, first.id, "token_unauthorized", 401, null)).toEqual([]);
    expect(await alerts()).toHaveLength(1);
    const events = await endedEvents(commune.id);
    expect(events.map((e) => e.payload.data.campagne_id).sort()).toEqual([first.id, second.id].sort());
    for (const event of events) {
      expect(event.payload.data).toMatchObject({ statut: "arretee", motif_arret: "jeton_refuse" });
      expect(schemaErrors(event.payload)).toEqual([]);
    }
    expect(events.find((e) => e.payload.data.campagne_id === second.id)!.payload.data).toMatchObject({ total: 2 });

    const third = (await start(commune.id, [familyIds[0]!]))!;
    await stopCommuneCampaigns(handle.db, commune.id, third.id, "token_missing", null, null);
    const missing = (await endedEvents(commune.id)).find((e) => e.payload.data.campagne_id === third.id)!;
    expect(missing.payload.data).toMatchObject({ statut: "arretee", motif_arret: "jeton_absent" });
  });

  it("is written when the worker meets a 401 (the worker stops through stopCommuneCampaigns)", async () => {
    const { commune } = await subscribedCommune(2);
    const campaign = (await start(commune.id))!;
    const client: ApiParticulierClient = {
      quotientFamilialWithFranceConnect: () => Promise.reject(new Error("not used")),
      quotientFamilialWithIdentity: () => Promise.resolve({ kind: "unauthorized", status: 401, code: null }),
    };
    await runCampaignWorker(
      handle.db,
      {
        client,
        pacer: createTokenPacer(handle.db, { ratePerSecond: 10, limitPerSecond: 20 }),
        encryptionKey: campaignTestKey,
      },
      { workerId: `w-${crypto.randomUUID()}`, until: Date.now() + 2_000, idlePollMs: 50 },
    );
    expect(await statusOf(campaign.id)).toMatchObject({ status: "stopped", stopReason: "token_unauthorized" });
    const events = await endedEvents(commune.id);
    expect(events.map((e) => e.payload.data)).toEqual([
      expect.objectContaining({ campagne_id: campaign.id, statut: "arretee", motif_arret: "jeton_refuse", total: 2 }),
    ]);
  });
});
