import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createShipment, deliverNow } from "../../app/citizen/shipments.server.ts";
import { trackShipmentStatuses } from "../../app/citizen/shipment-tracking.server.ts";
import { HubeeError } from "../../app/integrations/hubee/errors.server.ts";
import type { HubeeSender } from "../../app/integrations/hubee/sender.server.ts";
import type { DatabaseHandle } from "../../db/client.ts";
import { shipments } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { PORTAIL_QF_OSL } from "../../simulators/hubee/index.ts";
import { enqueueNotification } from "../../simulators/hubee/notifications.ts";
import { INJECTED_SENDER_OSL } from "../../simulators/hubee/organizations.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { ANGELA, ANGELA_QF, collectivityByName, randomKey, senderFor } from "../helpers/citizen-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** A commune's software (SI side), written against the HubEE API directly. */
async function siClient(sims: RunningSimulators, communeName: string) {
  const commune = DEMO_COMMUNES.find((c) => c.name === communeName)!;
  const basic = Buffer.from(`${commune.hubeeSi.clientId}:${commune.hubeeSi.clientSecret}`).toString("base64");
  const tokenResponse = await fetch(sims.hubeeTokenUrl, {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&scope=SI",
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const call = async (method: string, path: string, json?: unknown) => {
    const response = await fetch(`${sims.hubeeApiUrl}/teledossiers/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(json ? { "Content-Type": "application/json" } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
  return {
    call,
    async report(caseId: string, from: string, to: string) {
      await call("POST", `/cases/${caseId}/events`, {
        actionType: "STATUS_UPDATE",
        caseCurrentStatus: from,
        caseNewStatus: to,
        author: "Mairie",
        message: `Statut ${to}`,
        notification: true,
      });
      await call("PATCH", `/cases/${caseId}`, { status: to });
    },
  };
}

describe("following the communes' statuses of delivered shipments", () => {
  let handle: DatabaseHandle;
  let sims: RunningSimulators;

  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
    sims = await startSimulators({ port: 0 });
  });
  afterAll(async () => {
    await sims?.close();
    await handle?.close();
  });
  beforeEach(() => sims.reset());

  const encryptionKey = randomKey();

  /** A shipment delivered to Angers, its case read once by the commune (SENT). */
  async function deliveredToAngers(sender: HubeeSender) {
    const shipment = await createShipment(handle.db, encryptionKey, {
      collectivity: await collectivityByName(handle.db, "Angers"),
      pivotIdentity: ANGELA,
      quotientFamilial: ANGELA_QF,
      externalId: null,
      idempotencyKey: randomUUID(),
    });
    expect(await deliverNow({ db: handle.db, sender, encryptionKey }, shipment.id)).toBe("delivered");
    const [delivered] = await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    const si = await siClient(sims, "Angers");
    await si.call("GET", `/cases/${delivered!.hubeeCaseId!}`);
    return { id: shipment.id, caseId: delivered!.hubeeCaseId!, folderId: delivered!.hubeeFolderId!, si };
  }

  const stored = async (id: string) => (await handle.db.select().from(shipments).where(eq(shipments.id, id)))[0]!;
  const hubeeFolder = (id: string) => sims.modules.hubee.folders().find((f) => f.id === id)!;
  const oslQueue = () =>
    Object.entries(sims.modules.hubee.notificationQueues()).find(([org]) =>
      org.startsWith("OSL-13002526500013"),
    )?.[1] ?? {};

  /** Stricter than the simulator, as a real HubEE may be: closing a closed case is refused (400). */
  function strictSender(sender: HubeeSender): HubeeSender {
    return {
      ...sender,
      async closeCase(caseId) {
        if (sims.modules.hubee.store.findCase(caseId)?.kase.status === "CLOSED") {
          throw new HubeeError(`HubEE a refusé PATCH /cases/${caseId} (HTTP 400) : Illegal case status transition`, {
            status: 400,
            transient: false,
          });
        }
        return sender.closeCase(caseId);
      },
    };
  }

  it("records each status, acknowledges events, closes case and folder on DONE, and leaves foreign notifications", async () => {
    const sender = senderFor(sims);
    const encryptionKey = randomKey();
    const shipment = await createShipment(handle.db, encryptionKey, {
      collectivity: await collectivityByName(handle.db, "Angers"),
      pivotIdentity: ANGELA,
      quotientFamilial: ANGELA_QF,
      externalId: null,
      idempotencyKey: "tracking-test",
    });
    expect(await deliverNow({ db: handle.db, sender, encryptionKey }, shipment.id)).toBe("delivered");
    const [delivered] = await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    const caseId = delivered!.hubeeCaseId!;

    const si = await siClient(sims, "Angers");
    await si.call("GET", `/cases/${caseId}`); // first read: SENT
    await si.report(caseId, "SENT", "SI_RECEIVED");
    await trackShipmentStatuses(handle.db, sender);
    let [row] = await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(row!.hubeeCaseStatus).toBe("SI_RECEIVED");

    await si.report(caseId, "SI_RECEIVED", "IN_PROGRESS");
    await si.report(caseId, "IN_PROGRESS", "DONE");
    const counts = await trackShipmentStatuses(handle.db, sender);
    expect(counts.closed).toBe(1);
    [row] = await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    // The commune's decision stays visible once the case is closed.
    expect(row!.hubeeCaseStatus).toBe("DONE");
    expect(row!.finalStatusAt).toBeInstanceOf(Date);

    const folder = sims.modules.hubee.folders().find((f) => f.id === delivered!.hubeeFolderId)!;
    expect(folder.cases[0]!.status).toBe("CLOSED");
    expect(folder.globalStatus).toBe("CLOSED");
    const siEvents = folder.cases[0]!.events.filter((e) => e.caseNewStatus && e.transmitter.type === "SI");
    expect(siEvents.length).toBeGreaterThanOrEqual(3);
    expect(siEvents.every((e) => e.status === "RECEIVED")).toBe(true);
    // As the national form does: a STATUS_UPDATE event DONE → CLOSED, with its author and message, notified.
    const closing = folder.cases[0]!.events.filter((e) => e.caseNewStatus === "CLOSED");
    expect(closing).toHaveLength(1);
    expect(closing[0]).toMatchObject({
      actionType: "STATUS_UPDATE",
      caseCurrentStatus: "DONE",
      author: "DINUM",
      message: "Dossier traité par le service.",
    });
    expect(closing[0]!.transmitter.type).not.toBe("SI");
    const angersNotifications = Object.entries(sims.modules.hubee.notificationQueues()).find(([org]) =>
      org.startsWith("SI-21490007900010"),
    )?.[1]?.FormulaireQF;
    expect((angersNotifications ?? []).some((n) => n.eventId === closing[0]!.id)).toBe(true);

    // Nothing of FormulaireQF is left for the sender; other démarches' notifications were not touched.
    const queues = sims.modules.hubee.notificationQueues();
    const oslQueue = Object.entries(queues).find(([org]) => org.startsWith("OSL-13002526500013"))?.[1] ?? {};
    expect(oslQueue.FormulaireQF ?? []).toHaveLength(0);
    const angersQueue = Object.entries(queues).find(([org]) => org.startsWith("SI-21490007900010"))?.[1] ?? {};
    expect((angersQueue.DemandeActeNaissance ?? []).length).toBeGreaterThan(0);
  });

  it("reaches FormulaireQF notifications behind 30 of another démarche in the sender's queue, and leaves those", async () => {
    const sender = senderFor(sims);
    const store = sims.modules.hubee.store;
    for (let i = 0; i < 30; i++) {
      enqueueNotification(store, {
        recipient: PORTAIL_QF_OSL,
        transmitter: INJECTED_SENDER_OSL,
        processCode: "DemandeActeNaissance",
        caseId: randomUUID(),
        eventId: randomUUID(),
      });
    }
    const { id, caseId, si } = await deliveredToAngers(sender);
    await si.report(caseId, "SENT", "SI_RECEIVED");
    expect(oslQueue().FormulaireQF?.length).toBe(2); // SENT (first read) and SI_RECEIVED

    const counts = await trackShipmentStatuses(handle.db, sender);
    expect(counts).toMatchObject({ events: 2, failed: 0 });
    expect((await stored(id)).hubeeCaseStatus).toBe("SI_RECEIVED");
    expect(oslQueue().FormulaireQF ?? []).toHaveLength(0);
    expect(oslQueue().DemandeActeNaissance).toHaveLength(30);
  });

  it("keeps a REFUSED final status, closes case and folder", async () => {
    const sender = senderFor(sims);
    const { id, caseId, folderId, si } = await deliveredToAngers(sender);
    await si.report(caseId, "SENT", "SI_RECEIVED");
    await si.report(caseId, "SI_RECEIVED", "IN_PROGRESS");
    await si.report(caseId, "IN_PROGRESS", "REFUSED");

    const counts = await trackShipmentStatuses(handle.db, sender);
    expect(counts).toMatchObject({ events: 4, closed: 1, failed: 0 });
    const row = await stored(id);
    expect(row.hubeeCaseStatus).toBe("REFUSED");
    expect(row.finalStatusAt).toBeInstanceOf(Date);
    const folder = hubeeFolder(folderId);
    expect(folder.cases[0]!.status).toBe("CLOSED");
    expect(folder.globalStatus).toBe("CLOSED");
    expect(folder.cases[0]!.history.map((h) => h.to)).toContain("REFUSED");
    expect(oslQueue().FormulaireQF ?? []).toHaveLength(0);
  });

  it("resumes a run that died after closing the case, without blocking the other notifications", async () => {
    const sender = strictSender(senderFor(sims));
    const first = await deliveredToAngers(sender);
    const second = await deliveredToAngers(sender);
    for (const { caseId, si } of [first, second]) {
      await si.report(caseId, "SENT", "SI_RECEIVED");
      await si.report(caseId, "SI_RECEIVED", "IN_PROGRESS");
      await si.report(caseId, "IN_PROGRESS", "DONE");
    }

    // The first shipment's run stops right after its case was closed (closing its folder fails).
    const dying: HubeeSender = {
      ...sender,
      async closeFolder(folderId) {
        if (folderId === first.folderId) throw new Error("processus arrêté");
        return sender.closeFolder(folderId);
      },
    };
    const interrupted = await trackShipmentStatuses(handle.db, dying);
    expect(interrupted).toMatchObject({ failed: 1, closed: 1 });
    expect(hubeeFolder(first.folderId).cases[0]!.status).toBe("CLOSED");
    expect((await stored(second.id)).hubeeCaseStatus).toBe("DONE");
    expect(hubeeFolder(second.folderId).globalStatus).toBe("CLOSED");
    // Only the interrupted notification is left, its event not yet acknowledged.
    const left = oslQueue().FormulaireQF ?? [];
    expect(left.map((n) => n.caseId)).toEqual([first.caseId]);
    const doneEvent = hubeeFolder(first.folderId).cases[0]!.events.find((e) => e.caseNewStatus === "DONE")!;
    expect(doneEvent.status).toBe("SENT");

    // The next run finishes it although the case is already closed.
    const resumed = await trackShipmentStatuses(handle.db, sender);
    expect(resumed).toMatchObject({ failed: 0, closed: 1, events: 1 });
    expect(oslQueue().FormulaireQF ?? []).toHaveLength(0);
    const folder = hubeeFolder(first.folderId);
    expect(folder.globalStatus).toBe("CLOSED");
    expect(folder.cases[0]!.events.find((e) => e.id === doneEvent.id)!.status).toBe("RECEIVED");
    expect((await stored(first.id)).hubeeCaseStatus).toBe("DONE");
    // Closed once, reported once, although the case was closed by the run that died.
    for (const { folderId } of [first, second]) {
      const closing = hubeeFolder(folderId).cases[0]!.events.filter((e) => e.caseNewStatus === "CLOSED");
      expect(closing.map((e) => [e.actionType, e.caseCurrentStatus])).toEqual([["STATUS_UPDATE", "DONE"]]);
    }
  });

  it("leaves a notification that keeps failing in the queue and still handles the ones behind it", async () => {
    const sender = senderFor(sims);
    const broken = await deliveredToAngers(sender);
    const healthy = await deliveredToAngers(sender);
    await broken.si.report(broken.caseId, "SENT", "SI_RECEIVED");
    await healthy.si.report(healthy.caseId, "SENT", "SI_RECEIVED");
    const failing: HubeeSender = {
      ...sender,
      async getEvent(caseId, eventId) {
        if (caseId === broken.caseId)
          throw new HubeeError("HubEE injoignable (GET /cases)", { status: null, transient: true });
        return sender.getEvent(caseId, eventId);
      },
    };
    // A batch of 1: the failing notifications stay at the head of the queue, page after page.
    const counts = await trackShipmentStatuses(handle.db, failing, { batchSize: 1 });
    expect(counts).toMatchObject({ failed: 2, events: 2 });
    expect((await stored(healthy.id)).hubeeCaseStatus).toBe("SI_RECEIVED");
    expect((oslQueue().FormulaireQF ?? []).map((n) => n.caseId)).toEqual([broken.caseId, broken.caseId]);

    expect(await trackShipmentStatuses(handle.db, sender)).toMatchObject({ failed: 0, events: 2 });
    expect((await stored(broken.id)).hubeeCaseStatus).toBe("SI_RECEIVED");
  });

  it("skips a malformed notification at the head of the queue, leaves it there, and handles the ones behind it", async () => {
    const sender = senderFor(sims);
    // A notification without its case id, as a faulty HubEE might list it, first in the queue.
    enqueueNotification(sims.modules.hubee.store, {
      recipient: PORTAIL_QF_OSL,
      transmitter: INJECTED_SENDER_OSL,
      processCode: "FormulaireQF",
      caseId: null as unknown as string,
      eventId: randomUUID(),
    });
    const { id, caseId, si } = await deliveredToAngers(sender);
    await si.report(caseId, "SENT", "SI_RECEIVED");

    const counts = await trackShipmentStatuses(handle.db, sender, { batchSize: 1 });
    expect(counts).toMatchObject({ malformed: 1, events: 2, failed: 0 });
    expect((await stored(id)).hubeeCaseStatus).toBe("SI_RECEIVED");
    // Not ours to delete: we cannot know what it announced.
    expect(oslQueue().FormulaireQF ?? []).toHaveLength(1);
  });

  it("ends its run even when HubEE keeps listing notifications it was told to delete", async () => {
    const sender = senderFor(sims);
    const { caseId, si } = await deliveredToAngers(sender);
    await si.report(caseId, "SENT", "SI_RECEIVED");
    // Deletions answer 204 but the queue never shrinks.
    const sticky: HubeeSender = { ...sender, deleteNotification: async () => {} };
    const counts = await trackShipmentStatuses(handle.db, sticky, { batchSize: 1 });
    expect(counts).toMatchObject({ events: 2, failed: 0 });
  });
});
