import crypto from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  caseAttachments,
  collectivities,
  collectivitySettings,
  families,
  hubeeInboxPolls,
  qfHistory,
  receivedCases,
} from "../../db/schema/index.ts";
import { duboisShipment, stagingQuotientFamilial } from "../fixtures/shipment-data.ts";
import { buildAttachments } from "../../app/formulaire-qf/index.ts";
import type { ShipmentData } from "../../app/formulaire-qf/types.ts";
import { createHubeeClient } from "../../app/integrations/hubee/client.server.ts";
import { createHubeeReceiver, type HubeeReceiver } from "../../app/integrations/hubee/receiver.server.ts";
import { createHubeeSender } from "../../app/integrations/hubee/sender.server.ts";
import { createHubeeTokenProvider } from "../../app/integrations/hubee/token.server.ts";
import {
  clearHubeeReceiverCache,
  ingestAllCommunes,
  ingestCommuneNow,
  receiverFor,
  type HubeeInboxSettings,
} from "../../app/portal/hubee-reception/hubee-inboxes.server.ts";
import {
  CASES_IN_PARALLEL,
  INBOX_BATCH_SIZE,
  ingestCommuneInbox,
} from "../../app/portal/hubee-reception/poll-inbox.server.ts";
import { pollInboxNow } from "../../app/routes/portail.communes.$siret.dossiers._index/poll-inbox.server.ts";
import { logger } from "../../app/utils/logger.server.ts";
import { clearReception, storeHubeeSiCredentials } from "../helpers/hubee-reception-fixtures.ts";
import { DEMO_COMMUNES, DEMO_HUBEE_OSL, FOREIGN_PROCESS_CODE } from "../../simulators/demo-data.ts";
import { INJECTED_SENDER_OSL, organizationKey, type InjectFolderInput } from "../../simulators/hubee/index.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const commune = (name: string) => DEMO_COMMUNES.find((c) => c.name === name)!;
const ANGERS = commune("Angers");
const BESANCON = commune("Besançon");
const PAU = commune("Pau");
const AJACCIO = commune("Ajaccio");
const ANGERS_QUEUE = `SI-${ANGERS.siret}-${ANGERS.codeCog}`;

let sims: RunningSimulators;
let handle: DatabaseHandle;
const ids = new Map<string, string>();

beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
  handle = await createTestDatabase();
  for (const c of DEMO_COMMUNES) {
    const [row] = await handle.db
      .insert(collectivities)
      .values({ name: c.name, siret: c.siret, codeCog: c.codeCog, departement: c.departement })
      .returning({ id: collectivities.id });
    ids.set(c.name, row.id);
  }
});

afterAll(async () => {
  await handle?.close();
  await sims?.close();
});

beforeEach(async () => {
  sims.reset();
  clearHubeeReceiverCache();
  await clearReception(handle.db);
});

const hubee = () => sims.modules.hubee;

function receiverOf(c = ANGERS): HubeeReceiver {
  const tokens = createHubeeTokenProvider({
    tokenUrl: sims.hubeeTokenUrl,
    clientId: c.hubeeSi.clientId,
    clientSecret: c.hubeeSi.clientSecret,
    scope: "SI",
  });
  return createHubeeReceiver(createHubeeClient({ apiUrl: sims.hubeeApiUrl, tokens }));
}

const angers = () => ({ id: ids.get("Angers")!, name: "Angers" });

let referenceCounter = 0;
const nextReference = () => (0xa0000000000 + ++referenceCounter).toString(16).toUpperCase().padStart(13, "0");

/** A FormulaireQF folder from the national form (another sender), through the admin inject route. */
async function injectTransmission(
  options: {
    to?: typeof ANGERS;
    shipment?: Partial<ShipmentData>;
    /** Replace a file's bytes (e.g. a malformed FormulaireQF.json). */
    replace?: Record<string, Buffer>;
    processCode?: string;
  } = {},
) {
  const to = options.to ?? ANGERS;
  const reference = nextReference();
  const data = duboisShipment({
    reference,
    collectivity: { name: to.name, siret: to.siret, codeCog: to.codeCog },
    ...options.shipment,
  });
  const files = await buildAttachments(data);
  const externalId = `Formulaire-QF-${reference}`;
  const input: InjectFolderInput = {
    recipientSiret: to.siret,
    externalId,
    caseExternalId: externalId,
    processCode: options.processCode,
    applicant: { firstName: data.pivotIdentity.givenNames.join(" "), lastName: data.pivotIdentity.familyName },
    attachments: files.map((f) => ({
      fileName: f.fileName,
      mimeType: f.mimeType,
      contentBase64: (options.replace?.[f.fileName] ?? f.content).toString("base64"),
    })),
  };
  const response = await fetch(`${sims.url}/__admin/hubee/folders/inject`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { folderId: string; caseId: string; attachmentIds: string[] };
  return { ...body, reference, files };
}

function simulatorCase(caseId: string) {
  const found = hubee()
    .folders()
    .flatMap((f) => f.cases.map((kase) => ({ folder: f, kase })))
    .find(({ kase }) => kase.id === caseId);
  if (!found) throw new Error(`case ${caseId} absent du simulateur`);
  return found.kase;
}

const angersQueue = (processCode = "FormulaireQF") => hubee().notificationQueues()[ANGERS_QUEUE]?.[processCode] ?? [];
const statusEventsTo = (caseId: string, status: string) =>
  simulatorCase(caseId).events.filter((e) => e.actionType === "STATUS_UPDATE" && e.caseNewStatus === status);

async function tableCounts() {
  const count = async (table: typeof families | typeof receivedCases | typeof qfHistory | typeof caseAttachments) =>
    (await handle.db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;
  return {
    families: await count(families),
    cases: await count(receivedCases),
    qf: await count(qfHistory),
    attachments: await count(caseAttachments),
  };
}

describe("HubEE inbox ingestion (SI side)", () => {
  it("stores a new case with its verified files, reports SI_RECEIVED and deletes the notification", async () => {
    const sent = await injectTransmission();
    expect(angersQueue()).toHaveLength(1);

    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts).toEqual({ cases: 1, alreadyStored: 0, errors: 0, events: 0, failed: 0, ignoredForeign: 0 });

    const [family] = await handle.db.select().from(families);
    expect(family).toMatchObject({
      collectivityId: angers().id,
      familyName: "DUBOIS",
      givenNames: "Angela Claire Louise",
      gender: "female",
      birthdate: "1962-08-24",
      birthplace: "75107",
      birthcountry: "99100",
      qfValue: 2550,
      qfAnnee: 2024,
      qfMois: 2,
      qfProvider: "CNAF",
      externalId: "DOSSIER-42",
      status: "received",
      ingestionError: null,
      childrenCount: 0,
    });
    expect(family.identityKey).toMatch(/^[0-9a-f]{64}$/);
    expect(family.members.allocataires).toHaveLength(1);
    expect(family.address?.code_postal_ville).toBe("75002 PARIS");
    expect(family.searchText).toContain("dubois");

    const [kase] = await handle.db.select().from(receivedCases);
    expect(kase).toMatchObject({
      familyId: family.id,
      hubeeCaseId: sent.caseId,
      hubeeExternalId: `Formulaire-QF-${sent.reference}`,
      reference: sent.reference,
      externalId: "DOSSIER-42",
      payloadVersion: "v3+v2",
      hubeeStatus: "SI_RECEIVED",
      ingestionError: null,
    });
    expect(kase.statusReportedAt).toBeInstanceOf(Date);

    const files = await handle.db.select().from(caseAttachments).orderBy(asc(caseAttachments.fileName));
    expect(files.map((f) => f.fileName).sort()).toEqual(sent.files.map((f) => f.fileName).sort());
    for (const file of files) {
      const original = sent.files.find((f) => f.fileName === file.fileName)!;
      expect(file.digestVerified).toBe(true);
      expect(Buffer.compare(file.content, original.content)).toBe(0);
      expect(file.size).toBe(original.content.length);
    }

    const history = await handle.db.select().from(qfHistory);
    expect(history).toMatchObject([{ familyId: family.id, value: 2550, source: "transmission", caseId: kase.id }]);

    // HubEE side: the case moved SENT → SI_RECEIVED with a notified event, the sender is told.
    expect(simulatorCase(sent.caseId).status).toBe("SI_RECEIVED");
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")).toHaveLength(1);
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")[0]).toMatchObject({
      caseCurrentStatus: "SENT",
      notification: true,
    });
    const senderQueue = hubee().notificationQueues()[organizationKey(INJECTED_SENDER_OSL)]?.FormulaireQF ?? [];
    expect(senderQueue.some((n) => n.caseId === sent.caseId && n.eventId)).toBe(true);
    expect(angersQueue()).toHaveLength(0);
    // The other démarche's notification seeded in Angers's queue is still there.
    expect(angersQueue(FOREIGN_PROCESS_CODE)).toHaveLength(1);

    // A second run finds nothing to do.
    expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ cases: 0, alreadyStored: 0 });
  });

  it("reads more than one page of notifications", async () => {
    const sent = INBOX_BATCH_SIZE + 2;
    for (let i = 0; i < sent; i++) await injectTransmission();
    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts.cases).toBe(sent);
    expect(angersQueue()).toHaveLength(0);
    // The same citizen on every case: one family file, one QF row per case.
    expect(await tableCounts()).toMatchObject({ families: 1, cases: sent, qf: sent });
  });

  it("keeps a re-delivered notification from creating a second family file", async () => {
    const sent = await injectTransmission();
    const original = structuredClone(angersQueue()[0]);
    await ingestCommuneInbox(handle.db, receiverOf(), angers());

    // HubEE delivers the same case again (same case id, new notification id).
    hubee().store.notifications.push({ ...original, id: crypto.randomUUID() });
    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts).toMatchObject({ cases: 0, alreadyStored: 1, failed: 0 });
    expect(await tableCounts()).toEqual({ families: 1, cases: 1, qf: 1, attachments: 3 });
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")).toHaveLength(1);
    expect(angersQueue()).toHaveLength(0);
  });

  it("leaves other démarches' notifications in the queue, even when HubEE does not filter them", async () => {
    for (let i = 0; i < 30; i++) await injectTransmission({ processCode: FOREIGN_PROCESS_CODE });
    await injectTransmission();
    const receiver = receiverOf();

    const counts = await ingestCommuneInbox(handle.db, receiver, angers());
    expect(counts.cases).toBe(1);
    expect(angersQueue(FOREIGN_PROCESS_CODE)).toHaveLength(31);

    // A HubEE ignoring processCode fills the first page with foreign notifications: the next
    // page asks for more, so ours behind them is still read, and the run ends without touching them.
    await injectTransmission();
    const unfiltered: HubeeReceiver = {
      ...receiver,
      listNotifications: (options) => receiver.listNotifications({ ...options, processCode: undefined }),
    };
    const second = await ingestCommuneInbox(handle.db, unfiltered, angers());
    expect(second).toMatchObject({ ignoredForeign: 31, cases: 1, failed: 0 });
    expect(angersQueue(FOREIGN_PROCESS_CODE)).toHaveLength(31);
    expect(angersQueue()).toHaveLength(0);
  });

  it("keeps a case whose file does not match HubEE's digest, with an error, and reports SI_INTG_ERROR", async () => {
    const sent = await injectTransmission();
    const jsonIndex = sent.files.findIndex((f) => f.fileName === "FormulaireQF.json");
    // HubEE's storage returns other bytes than those it hashed on upload.
    hubee().store.blobs.set(sent.attachmentIds[jsonIndex], Buffer.from('{"altéré":true}'));

    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts).toMatchObject({ cases: 0, errors: 1, failed: 0 });

    const [family] = await handle.db.select().from(families);
    expect(family).toMatchObject({ status: "error", identityKey: null, familyName: "DUBOIS", qfValue: null });
    expect(family.ingestionError).toContain("empreinte SHA-256");
    const [kase] = await handle.db.select().from(receivedCases);
    expect(kase).toMatchObject({ hubeeStatus: "SI_INTG_ERROR", ingestionError: family.ingestionError });
    const files = await handle.db.select().from(caseAttachments);
    expect(files.filter((f) => !f.digestVerified).map((f) => f.fileName)).toEqual(["FormulaireQF.json"]);
    expect(await tableCounts()).toMatchObject({ qf: 0 });

    expect(simulatorCase(sent.caseId).status).toBe("SI_INTG_ERROR");
    expect(statusEventsTo(sent.caseId, "SI_INTG_ERROR")).toHaveLength(1);
    // The message goes to the sender: nothing from the file in it.
    expect(statusEventsTo(sent.caseId, "SI_INTG_ERROR")[0].message).not.toMatch(/DUBOIS|Angela/i);
    expect(angersQueue()).toHaveLength(0);
  });

  it("keeps a malformed FormulaireQF.json with an error and reports SI_INTG_ERROR", async () => {
    const sent = await injectTransmission({ replace: { "FormulaireQF.json": Buffer.from("{ pas du JSON") } });
    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts).toMatchObject({ errors: 1, failed: 0 });

    const [family] = await handle.db.select().from(families);
    expect(family).toMatchObject({
      status: "error",
      ingestionError: "Le fichier FormulaireQF.json n’est pas un JSON valide.",
      familyName: "DUBOIS",
      givenNames: "Angela Claire Louise",
    });
    const [kase] = await handle.db.select().from(receivedCases);
    expect(kase).toMatchObject({ hubeeStatus: "SI_INTG_ERROR", payloadVersion: null });
    expect(simulatorCase(sent.caseId).status).toBe("SI_INTG_ERROR");
    expect(angersQueue()).toHaveLength(0);
  });

  it("keeps a document that does not match the schema with an error", async () => {
    const doc = { external_id: null, pivot_identity: { family_name: "DUBOIS" } };
    const sent = await injectTransmission({ replace: { "FormulaireQF.json": Buffer.from(JSON.stringify(doc)) } });
    await ingestCommuneInbox(handle.db, receiverOf(), angers());
    const [family] = await handle.db.select().from(families);
    expect(family.ingestionError).toBe("L’identité pivot du fichier FormulaireQF.json est incomplète ou mal formée.");
    expect(simulatorCase(sent.caseId).status).toBe("SI_INTG_ERROR");
  });

  it("renews an access token that expires in the middle of a batch", async () => {
    for (let i = 0; i < 3; i++) await injectTransmission();
    const receiver = receiverOf();
    let downloads = 0;
    const expiring: HubeeReceiver = {
      ...receiver,
      async downloadAttachment(caseId, attachmentId, declaredSize) {
        if (++downloads === 2) {
          const response = await fetch(`${sims.url}/__admin/hubee/expire-tokens`, { method: "POST" });
          expect(response.status).toBe(204);
        }
        return receiver.downloadAttachment(caseId, attachmentId, declaredSize);
      },
    };
    const counts = await ingestCommuneInbox(handle.db, expiring, angers());
    expect(counts).toMatchObject({ cases: 3, failed: 0 });
    expect(angersQueue()).toHaveLength(0);
    expect(await tableCounts()).toMatchObject({ cases: 3, attachments: 9 });
  });

  it("fetches a commune's cases side by side, at most CASES_IN_PARALLEL at once, and stores them in HubEE's order", async () => {
    const injected = [];
    // More cases than lanes, so the bound is reached and held.
    for (let i = 0; i < CASES_IN_PARALLEL + 4; i++) {
      const pivot = duboisShipment().pivotIdentity;
      const birthdate = new Date(Date.UTC(1970, 0, 1 + i)).toISOString().slice(0, 10);
      injected.push(await injectTransmission({ shipment: { pivotIdentity: { ...pivot, birthdate } } }));
    }
    // HubEE answers slowly (a real one takes tens of milliseconds): the fetches overlap or they do not.
    const real = receiverOf();
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const slow: HubeeReceiver = {
      ...real,
      getCase: async (caseId) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        // Later cases answer sooner: fetched side by side, they arrive out of order.
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, 150 - 8 * calls++)));
        try {
          return await real.getCase(caseId);
        } finally {
          inFlight--;
        }
      },
    };
    let tick = Date.parse("2026-12-05T08:00:00Z");
    const counts = await ingestCommuneInbox(handle.db, slow, angers(), { now: () => new Date(++tick) });
    expect(counts).toMatchObject({ cases: injected.length, failed: 0 });
    expect(peak).toBe(CASES_IN_PARALLEL);
    const stored = await handle.db
      .select({ caseId: receivedCases.hubeeCaseId })
      .from(receivedCases)
      .orderBy(asc(receivedCases.receivedAt));
    expect(stored.map((row) => row.caseId)).toEqual(injected.map((folder) => folder.caseId));
  });

  it("adds a known family's new QF to its history instead of creating a second file", async () => {
    const newer = stagingQuotientFamilial("presumedChild");
    newer.quotient_familial = { ...newer.quotient_familial!, valeur: 2700, annee: 2025, mois: 1 };
    const older = structuredClone(newer);
    older.quotient_familial = { ...older.quotient_familial!, valeur: 1900, annee: 2023, mois: 6 };

    await injectTransmission();
    await injectTransmission({ shipment: { quotientFamilial: newer, externalId: "DOSSIER-43" } });
    await injectTransmission({ shipment: { quotientFamilial: older, externalId: null } });
    // Same citizen, written differently by another identity provider: still the same family.
    const sameDubois = duboisShipment().pivotIdentity;
    await injectTransmission({
      shipment: { pivotIdentity: { ...sameDubois, familyName: "Dubois", givenNames: ["ANGELA", "CLAIRE", "LOUISE"] } },
    });
    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts.cases).toBe(4);

    const rows = await handle.db.select().from(families);
    expect(rows).toHaveLength(1);
    // The latest period wins, with the members it came with; an older transmission does not roll it back.
    expect(rows[0]).toMatchObject({
      qfValue: 2700,
      qfAnnee: 2025,
      qfMois: 1,
      childrenCount: 3,
      externalId: "DOSSIER-42",
    });
    expect(rows[0].members.enfants).toHaveLength(3);
    const history = await handle.db
      .select({ value: qfHistory.value, source: qfHistory.source })
      .from(qfHistory)
      .where(eq(qfHistory.familyId, rows[0].id))
      .orderBy(asc(qfHistory.value));
    expect(history).toEqual([
      { value: 1900, source: "transmission" },
      { value: 2550, source: "transmission" },
      { value: 2550, source: "transmission" },
      { value: 2700, source: "transmission" },
    ]);
    expect(await tableCounts()).toMatchObject({ families: 1, cases: 4 });

    // Another citizen is another family file.
    await injectTransmission({ shipment: { pivotIdentity: { ...sameDubois, birthdate: "1962-08-25" } } });
    await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(await tableCounts()).toMatchObject({ families: 2, cases: 5 });
  });

  it("puts a family file back in the inbox when the family transmits again", async () => {
    await injectTransmission();
    await ingestCommuneInbox(handle.db, receiverOf(), angers());
    await handle.db.update(families).set({ status: "done" });
    await injectTransmission();
    await ingestCommuneInbox(handle.db, receiverOf(), angers());
    const [family] = await handle.db.select().from(families);
    expect(family.status).toBe("received");
  });

  it("finishes on the next run a case stored before its status could be reported", async () => {
    const sent = await injectTransmission();
    hubee().faults.api.add({
      route: "^/teledossiers/v1/cases/[^/]+/events$",
      errorRatio: 1,
      errorStatuses: [503],
    });
    const first = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(first).toMatchObject({ cases: 0, failed: 1 });
    // HubEE refused the status event: it holds none, and the case stays where the sender left it.
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")).toHaveLength(0);
    const [stored] = await handle.db.select().from(receivedCases);
    expect(stored.statusReportedAt).toBeNull();
    expect(simulatorCase(sent.caseId).status).toBe("SENT");
    expect(angersQueue()).toHaveLength(1);

    hubee().faults.api.clear();
    const second = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(second).toMatchObject({ alreadyStored: 1, failed: 0 });
    expect(await tableCounts()).toEqual({ families: 1, cases: 1, qf: 1, attachments: 3 });
    expect(simulatorCase(sent.caseId).status).toBe("SI_RECEIVED");
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")).toHaveLength(1);
    const [reported] = await handle.db.select().from(receivedCases);
    expect(reported).toMatchObject({ hubeeStatus: "SI_RECEIVED" });
    expect(reported.statusReportedAt).toBeInstanceOf(Date);
    expect(angersQueue()).toHaveLength(0);
  });

  it("does not post the event twice when a run stopped between the event and the case PATCH", async () => {
    const sent = await injectTransmission();
    const receiver = receiverOf();
    const failingPatch: HubeeReceiver = {
      ...receiver,
      updateCaseStatus: async () => {
        throw new Error("processus arrêté");
      },
    };
    expect(await ingestCommuneInbox(handle.db, failingPatch, angers())).toMatchObject({ failed: 1 });
    expect(await ingestCommuneInbox(handle.db, receiver, angers())).toMatchObject({ alreadyStored: 1, failed: 0 });
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")).toHaveLength(1);
    expect(simulatorCase(sent.caseId).status).toBe("SI_RECEIVED");
  });

  it("deletes on the next run a notification whose deletion failed", async () => {
    const sent = await injectTransmission();
    const receiver = receiverOf();
    const failingDelete: HubeeReceiver = {
      ...receiver,
      deleteNotification: async () => {
        throw new Error("processus arrêté");
      },
    };
    expect(await ingestCommuneInbox(handle.db, failingDelete, angers())).toMatchObject({ failed: 1 });
    expect(angersQueue()).toHaveLength(1);
    expect(await ingestCommuneInbox(handle.db, receiver, angers())).toMatchObject({ alreadyStored: 1 });
    expect(angersQueue()).toHaveLength(0);
    expect(statusEventsTo(sent.caseId, "SI_RECEIVED")).toHaveLength(1);
    expect(await tableCounts()).toMatchObject({ families: 1, cases: 1 });
  });

  it("receives what Portail QF itself sends, and acknowledges the sender's events", async () => {
    const tokens = createHubeeTokenProvider({
      tokenUrl: sims.hubeeTokenUrl,
      clientId: DEMO_HUBEE_OSL.clientId,
      clientSecret: DEMO_HUBEE_OSL.clientSecret,
      scope: "OSL",
    });
    const oslClient = createHubeeClient({ apiUrl: sims.hubeeApiUrl, tokens });
    const sender = createHubeeSender(oslClient);
    const reference = nextReference();
    const files = await buildAttachments(duboisShipment({ reference }));
    const folder = await sender.createFolder({
      externalId: `Formulaire-QF-${reference}`,
      applicant: { firstName: "Angela Claire Louise", lastName: "DUBOIS" },
      recipient: { siret: ANGERS.siret, codeCog: ANGERS.codeCog },
      attachments: files,
    });
    for (const attachment of folder.attachments) {
      const file = files.find((f) => f.fileName === attachment.fileName)!;
      await sender.uploadAttachment(folder.id, attachment.id, file.content);
    }
    await sender.completeFolder(folder.id);
    const caseId = folder.cases[0].id;

    expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ cases: 1 });
    const [kase] = await handle.db.select().from(receivedCases);
    expect(kase.reference).toBe(reference);

    // The sender writes to the commune: an event notification for the SI.
    const event = await oslClient.requestJson<{ id: string }>({
      method: "POST",
      path: `/cases/${caseId}/events`,
      json: { actionType: "SENDING_MESSAGE", message: "Bonjour", author: "Portail QF", notification: true },
    });
    expect(angersQueue()).toHaveLength(1);
    expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ events: 1, failed: 0 });
    expect(simulatorCase(caseId).events.find((e) => e.id === event.id)?.status).toBe("RECEIVED");
    expect(angersQueue()).toHaveLength(0);
  });
});

describe("HubEE inbox ingestion, when HubEE sends what it should not", () => {
  type QueuedNotification = ReturnType<typeof angersQueue>[number];

  /** A notification HubEE lists first, in Angers's queue, that the portal cannot read. */
  function queueMalformed(template: QueuedNotification, id: string = crypto.randomUUID()) {
    // caseId is read by the ingestion: a number there makes the item unusable.
    hubee().store.notifications.unshift({ ...structuredClone(template), id, caseId: 42 as unknown as string });
    return id;
  }

  const malformedWarnings = (warn: { mock: { calls: unknown[][] } }) =>
    warn.mock.calls.filter((call) => call[1] === "notification HubEE mal formée, laissée dans la file");

  it("skips a malformed notification, ingests the others and leaves it in the queue, run after run", async () => {
    const first = await injectTransmission();
    const template = structuredClone(angersQueue()[0]);
    // A field the portal never reads may be incomplete: that notification is ingested.
    const incomplete = hubee().store.notifications.find((n) => n.caseId === first.caseId)!;
    incomplete.transmitter = {
      type: incomplete.transmitter.type,
      companyRegister: incomplete.transmitter.companyRegister,
    } as QueuedNotification["transmitter"];
    const malformedId = queueMalformed(template);
    // Without a usable id, too.
    queueMalformed(template, "");
    await injectTransmission();

    const warn = vi.spyOn(logger, "warn");
    try {
      const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
      expect(counts).toMatchObject({ cases: 2, failed: 2, errors: 0 });
      expect(await tableCounts()).toMatchObject({ families: 1, cases: 2 });
      // Not deleted: what they announced is unknown.
      expect(angersQueue().map((n) => n.id)).toEqual(["", malformedId]);
      // Logged with ids and field paths only.
      expect(malformedWarnings(warn).map((call) => call[0])).toEqual([
        { collectivityId: angers().id, notificationId: malformedId, issues: ["caseId: invalid_type"] },
        { collectivityId: angers().id, notificationId: null, issues: ["id: too_small", "caseId: invalid_type"] },
      ]);

      // The next run is not stuck either: it finds them again, and nothing else to do.
      await injectTransmission();
      expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ cases: 1, failed: 2 });
      expect(angersQueue()).toHaveLength(2);
    } finally {
      warn.mockRestore();
    }
  });

  it("reads past a full page of malformed notifications, and the run ends", async () => {
    const template = structuredClone((await injectTransmission(), angersQueue()[0]));
    hubee().store.notifications = hubee().store.notifications.filter((n) => n.id !== template.id);
    for (let i = 0; i < 30; i++) queueMalformed(template);
    await injectTransmission();

    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    expect(counts).toMatchObject({ cases: 1, failed: 30 });
    expect(angersQueue()).toHaveLength(30);
  });

  it("ends a run however many unreadable notifications HubEE keeps listing", async () => {
    const receiver = receiverOf();
    let pages = 0;
    // Every page full of new malformed items, with or without an id.
    const endless = (withIds: boolean): HubeeReceiver => ({
      ...receiver,
      listNotifications: async ({ maxResult = 25 } = {}) => {
        pages++;
        const item = () => ({ id: withIds ? crypto.randomUUID() : null, issues: ["caseId: invalid_type"] });
        return { notifications: [], malformed: Array.from({ length: maxResult }, item) };
      },
    });
    for (const withIds of [true, false]) {
      pages = 0;
      const counts = await ingestCommuneInbox(handle.db, endless(withIds), angers());
      expect(pages).toBeGreaterThan(1);
      expect(pages).toBeLessThanOrEqual(40);
      expect(counts.failed).toBeGreaterThan(25);
    }
  });

  it("refuses a file larger than HubEE declared, leaving the notification for the next run", async () => {
    const sent = await injectTransmission();
    const pdfIndex = sent.files.findIndex((f) => f.fileName.endsWith(".pdf"));
    const pdfId = sent.attachmentIds[pdfIndex];
    const original = hubee().store.blobs.get(pdfId)!;
    hubee().store.blobs.set(pdfId, Buffer.concat([original, Buffer.alloc(1024)]));

    const counts = await ingestCommuneInbox(handle.db, receiverOf(), angers());
    // Not taken for an altered file (SI_INTG_ERROR to the sender): a failed download.
    expect(counts).toMatchObject({ cases: 0, errors: 0, failed: 1 });
    expect(await tableCounts()).toMatchObject({ families: 0, cases: 0, attachments: 0 });
    expect(simulatorCase(sent.caseId).status).toBe("SENT");
    expect(angersQueue()).toHaveLength(1);

    // HubEE serves the right file again: the next run ingests the case.
    hubee().store.blobs.set(pdfId, original);
    expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ cases: 1, failed: 0 });
  });

  it("verifies files against an RFC 9530 digest (sha-256=:<base64>:)", async () => {
    const sent = await injectTransmission();
    const { folder } = hubee().store.findCase(sent.caseId)!;
    for (const attachment of folder.attachments) attachment.sha256 = `sha-256=:${attachment.sha256}:`;

    expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ cases: 1, errors: 0 });
    const files = await handle.db.select().from(caseAttachments);
    expect(files).toHaveLength(3);
    for (const file of files) {
      expect(file.digestVerified).toBe(true);
      expect(file.hubeeDigest).toBe(`sha-256=:${file.sha256}:`);
    }
    expect(simulatorCase(sent.caseId).status).toBe("SI_RECEIVED");
  });

  it("keeps a file whose digest header it cannot read as not verified, not as altered", async () => {
    const sent = await injectTransmission();
    const { folder } = hubee().store.findCase(sent.caseId)!;
    const json = folder.attachments.find((a) => a.fileName === "FormulaireQF.json")!;
    const unreadable = `sha-512=:${Buffer.alloc(64, 1).toString("base64")}:`;
    json.sha256 = unreadable;

    expect(await ingestCommuneInbox(handle.db, receiverOf(), angers())).toMatchObject({ cases: 1, errors: 0 });
    const [family] = await handle.db.select().from(families);
    expect(family).toMatchObject({ status: "received", ingestionError: null, qfValue: 2550 });
    const files = await handle.db.select().from(caseAttachments);
    const stored = files.find((f) => f.fileName === "FormulaireQF.json")!;
    expect(stored).toMatchObject({ digestVerified: false, hubeeDigest: unreadable });
    expect(files.filter((f) => f.digestVerified)).toHaveLength(2);
    // Reported as received: nothing says the file was altered.
    expect(simulatorCase(sent.caseId).status).toBe("SI_RECEIVED");
    expect(statusEventsTo(sent.caseId, "SI_INTG_ERROR")).toHaveLength(0);
  });
});

describe("every commune's inbox", () => {
  const settings = (): HubeeInboxSettings => ({
    hubeeApiUrl: sims.hubeeApiUrl,
    hubeeTokenUrl: sims.hubeeTokenUrl,
    encryptionKey: Buffer.alloc(32, 7),
  });

  async function configure(c: typeof ANGERS, secret = c.hubeeSi.clientSecret) {
    await storeHubeeSiCredentials(handle.db, settings().encryptionKey, {
      collectivityId: ids.get(c.name)!,
      clientId: c.hubeeSi.clientId,
      secret,
    });
  }

  it("reads each configured commune, one commune's failure not stopping the others", async () => {
    await configure(ANGERS);
    await configure(BESANCON);
    await configure(PAU, "mauvais-secret");
    // A secret sealed for another commune does not decrypt: that commune is skipped, not the run.
    await storeHubeeSiCredentials(handle.db, settings().encryptionKey, {
      collectivityId: ids.get("Ajaccio")!,
      clientId: AJACCIO.hubeeSi.clientId,
      secret: "x",
      sealedFor: ids.get("Pau")!,
    });
    await injectTransmission();
    await injectTransmission({ to: BESANCON });

    const summary = await ingestAllCommunes(handle.db, settings());
    expect(summary).toMatchObject({ communes: 3, failedCommunes: 1, busyCommunes: 0, cases: 2, failed: 0 });
    const perCommune = await handle.db
      .select({ collectivityId: families.collectivityId })
      .from(families)
      .orderBy(asc(families.collectivityId));
    expect(perCommune.map((r) => r.collectivityId).sort()).toEqual([ids.get("Angers"), ids.get("Besançon")].sort());

    const polls = await handle.db.select().from(hubeeInboxPolls);
    const pau = polls.find((p) => p.collectivityId === ids.get("Pau"))!;
    expect(pau.lastError).toBe("HubEE a refusé les identifiants SI de la commune : vérifiez-les dans les paramètres.");
    expect(pau.lockedUntil).toBeNull();
    const angersPoll = polls.find((p) => p.collectivityId === ids.get("Angers"))!;
    expect(angersPoll).toMatchObject({ lastError: null, lockedUntil: null });
    expect(angersPoll.lastCounts).toMatchObject({ cases: 1 });
  });

  it("reads one commune now, unless it is not configured or already being read", async () => {
    await configure(ANGERS);
    await injectTransmission();
    expect(await ingestCommuneNow(handle.db, ids.get("Ajaccio")!, settings())).toEqual({ status: "not_configured" });

    await handle.db
      .insert(hubeeInboxPolls)
      .values({ collectivityId: ids.get("Angers")!, lockedUntil: sql`now() + interval '1 minute'` });
    expect(await ingestCommuneNow(handle.db, ids.get("Angers")!, settings())).toEqual({ status: "busy" });

    // A lease left by a crashed process expires.
    await handle.db.update(hubeeInboxPolls).set({ lockedUntil: sql`now() - interval '1 second'` });
    const result = await ingestCommuneNow(handle.db, ids.get("Angers")!, settings());
    expect(result).toMatchObject({ status: "done", counts: { cases: 1 } });
  });

  it("coalesces an agent's repeated « Relever maintenant », but not after the worker's sweep or a failure", async () => {
    await configure(ANGERS);
    const angersId = ids.get("Angers")!;
    const agent = { agentId: crypto.randomUUID(), collectivityId: angersId, isAdmin: false, requestId: null };
    const journaled = async () =>
      (
        await handle.db
          .select({ details: auditEvents.details })
          .from(auditEvents)
          .where(and(eq(auditEvents.collectivityId, angersId), eq(auditEvents.action, "inbox.polled")))
      ).map((row) => row.details.status);
    const storedCases = async () => (await handle.db.select().from(receivedCases)).length;

    // The worker's sweep just ran: an agent who clicks right after still polls.
    await ingestAllCommunes(handle.db, settings());
    await injectTransmission();
    expect(await pollInboxNow(handle.db, agent, settings())).toEqual({
      flash: { level: "success", message: "1 nouveau dossier reçu." },
    });

    // Clicked again at once: no poll (the file sent meanwhile stays in HubEE), no journal entry.
    await injectTransmission();
    const again = await pollInboxNow(handle.db, agent, settings());
    expect(again).toMatchObject({ flash: { level: "info", message: expect.stringContaining("vient d’être relevée") } });
    expect(await storedCases()).toBe(1);
    expect(await journaled()).toEqual(["done"]);

    // Once the interval is over, the next click polls.
    await handle.db.execute(sql`update audit_events set occurred_at = occurred_at - interval '1 minute'`);
    expect(await pollInboxNow(handle.db, agent, settings())).toMatchObject({ flash: { level: "success" } });
    expect(await storedCases()).toBe(2);

    // A failed relevé is not coalesced: the agent retries at once, and each try is journaled.
    await handle.db.delete(collectivitySettings).where(eq(collectivitySettings.collectivityId, angersId));
    await configure(ANGERS, "mauvais-secret");
    clearHubeeReceiverCache();
    await handle.db.execute(sql`update audit_events set occurred_at = occurred_at - interval '1 minute'`);
    expect(await pollInboxNow(handle.db, agent, settings())).toMatchObject({ problem: { level: "error" } });
    expect(await pollInboxNow(handle.db, agent, settings())).toMatchObject({ problem: { level: "error" } });
    expect(await journaled()).toEqual(["done", "done", "failed", "failed"]);
  });

  it("keeps one token per commune across runs, and a new one when the credentials change", async () => {
    const base = { collectivityId: ids.get("Angers")!, collectivityName: "Angers", clientId: ANGERS.hubeeSi.clientId };
    const first = receiverFor({ ...base, clientSecret: ANGERS.hubeeSi.clientSecret }, settings());
    expect(receiverFor({ ...base, clientSecret: ANGERS.hubeeSi.clientSecret }, settings())).toBe(first);
    expect(receiverFor({ ...base, clientSecret: "nouveau" }, settings())).not.toBe(first);

    await configure(ANGERS);
    const issued = () => [...hubee().store.tokens.values()].filter((t) => t.clientId === ANGERS.hubeeSi.clientId);
    await ingestCommuneNow(handle.db, ids.get("Angers")!, settings());
    await ingestCommuneNow(handle.db, ids.get("Angers")!, settings());
    expect(issued()).toHaveLength(1);
  });
});
