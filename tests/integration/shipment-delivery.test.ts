import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildFormulaireQfJson } from "../../app/formulaire-qf/json.ts";
import type { ShipmentData } from "../../app/formulaire-qf/types.ts";
import { purgeCitizenData } from "../../app/citizen/retention.server.ts";
import {
  claimDueShipments,
  deliverClaimedShipment,
  deliverDueShipments,
  FOLDER_CREATION_MARKER,
  shipmentAad,
  type DeliveryDeps,
} from "../../app/citizen/shipment-delivery.server.ts";
import { createShipment, deliverNow } from "../../app/citizen/shipments.server.ts";
import { createHubeeClient } from "../../app/integrations/hubee/client.server.ts";
import { HubeeError } from "../../app/integrations/hubee/errors.server.ts";
import { createHubeeSender, type CreatedFolder, type HubeeSender } from "../../app/integrations/hubee/sender.server.ts";
import { createHubeeTokenProvider } from "../../app/integrations/hubee/token.server.ts";
import { decryptJson } from "../../app/utils/encryption.server.ts";
import type { DatabaseHandle } from "../../db/client.ts";
import { shipments } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { DEMO_HUBEE_OSL } from "../../simulators/demo-data.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { ANGELA, ANGELA_QF, collectivityByName, randomKey, senderFor } from "../helpers/citizen-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const FAST_BACKOFF = { attempts: 50, baseDelayMs: 1, maxDelayMs: 5 };

describe("shipment outbox delivered to HubEE (simulator over HTTP)", () => {
  let handle: DatabaseHandle;
  let sims: RunningSimulators;
  let deps: DeliveryDeps;

  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
    sims = await startSimulators({ port: 0 });
    deps = { db: handle.db, sender: senderFor(sims), encryptionKey: randomKey(), backoff: FAST_BACKOFF };
  });
  afterAll(async () => {
    await sims?.close();
    await handle?.close();
  });
  beforeEach(async () => {
    sims.reset();
    await handle.db.delete(shipments);
  });

  const formulaireQfFolders = () =>
    sims.modules.hubee
      .folders()
      .filter((f) => f.processCode === "FormulaireQF" && f.externalId.startsWith("Formulaire-QF-"));

  async function newShipment(communeName = "Angers", key: string = crypto.randomUUID()) {
    const collectivity = await collectivityByName(handle.db, communeName);
    const created = await createShipment(handle.db, deps.encryptionKey, {
      collectivity,
      pivotIdentity: ANGELA,
      quotientFamilial: ANGELA_QF,
      externalId: "famille-42",
      idempotencyKey: key,
    });
    // Due "now" in PostgreSQL's microseconds may be ahead of JavaScript's millisecond clock: a run
    // started within the same millisecond would not see the shipment as due yet. Due a second ago.
    const [due] = await handle.db
      .update(shipments)
      .set({ nextAttemptAt: sql`${shipments.nextAttemptAt} - interval '1 second'` })
      .where(eq(shipments.id, created.id))
      .returning();
    return due!;
  }

  it("stores the payload encrypted, delivers one folder with the three attachments, then erases the payload", async () => {
    const shipment = await newShipment();
    expect(shipment.reference).toMatch(/^[0-9A-F]{13}$/);
    expect(shipment.payloadEncrypted).not.toContain("DUBOIS");
    const data = decryptJson<ShipmentData>(
      shipment.payloadEncrypted!,
      deps.encryptionKey,
      shipmentAad(shipment.reference),
    );
    expect(data.pivotIdentity).toEqual(ANGELA);

    expect(await deliverNow(deps, shipment.id)).toBe("delivered");

    const folders = formulaireQfFolders();
    expect(folders).toHaveLength(1);
    const folder = folders[0]!;
    expect(folder.externalId).toBe(`Formulaire-QF-${shipment.reference}`);
    expect(folder.globalStatus).not.toBe("HUBEE_RECEIVED");
    expect(folder.cases[0]!.recipient).toMatchObject({ companyRegister: "21490007900010", branchCode: "49007" });
    expect(folder.attachments.map((a) => a.fileName)).toEqual([
      "FormulaireQF.json",
      "FormulaireQF.xml",
      "quotient_familial_DUBOIS_Angela_Claire_Louise.pdf",
    ]);
    const json = sims.modules.hubee.attachmentBytes(folder.attachments[0]!.id)!;
    expect(json.equals(buildFormulaireQfJson(data))).toBe(true);
    expect(JSON.parse(json.toString()).quotient_familial_v3.quotient_familial.valeur).toBe(4270);

    const [stored] = await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(stored).toMatchObject({ status: "delivered", payloadEncrypted: null, hubeeFolderId: folder.id });
  });

  it("returns the same shipment for a second submit of the same review page", async () => {
    const first = await newShipment("Angers", "same-review-page-key");
    const second = await newShipment("Angers", "same-review-page-key");
    expect(second.id).toBe(first.id);
    expect(await handle.db.select().from(shipments)).toHaveLength(1);
  });

  it(
    "delivers 100 shipments exactly once after HubEE was down during their submission",
    { timeout: 120_000 },
    async () => {
      const created = [];
      for (let i = 0; i < 100; i++) created.push(await newShipment(i % 2 ? "Angers" : "Pau"));
      sims.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [503] });

      const during = await deliverDueShipments(deps);
      expect(during.delivered).toBe(0);
      expect(during.retry_scheduled).toBe(100);
      expect(formulaireQfFolders()).toHaveLength(0);

      sims.modules.hubee.faults.api.clear();
      for (let round = 0; round < 20; round++) {
        const pending = await handle.db.select().from(shipments).where(eq(shipments.status, "pending"));
        if (pending.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
        await deliverDueShipments(deps);
      }

      const rows = await handle.db.select().from(shipments);
      expect(rows.every((r) => r.status === "delivered")).toBe(true);
      const externalIds = formulaireQfFolders().map((f) => f.externalId);
      expect(externalIds).toHaveLength(100);
      expect(new Set(externalIds).size).toBe(100);
      expect(new Set(externalIds)).toEqual(new Set(created.map((s) => `Formulaire-QF-${s.reference}`)));
    },
  );

  it("recovers a delivery that died between folder creation and completion without a second folder", async () => {
    const shipment = await newShipment();
    // The first process dies after the uploads: completeFolder never returns.
    const dying: HubeeSender = { ...deps.sender, completeFolder: () => new Promise<void>(() => {}) };
    // Due "now" in PostgreSQL's microseconds may still be ahead of JavaScript's millisecond clock.
    const [claimed] = await claimDueShipments(
      { ...deps, sender: dying, leaseMs: 50 },
      10,
      new Date(Date.now() + 1_000),
    );
    expect(claimed?.id).toBe(shipment.id);
    void deliverClaimedShipment({ ...deps, sender: dying }, claimed!);
    // Building the PDF and uploading take a while on a loaded machine.
    const patiently = { timeout: 10_000 };
    await expect.poll(() => formulaireQfFolders().length, patiently).toBe(1);
    await expect
      .poll(
        async () => (await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id)))[0]?.hubeeFolderId,
        patiently,
      )
      .toBeTruthy();
    await expect
      .poll(() => formulaireQfFolders()[0]?.attachments.every((a) => a.sha256 !== null), patiently)
      .toBe(true);
    const halfCreated = formulaireQfFolders()[0]!.id;

    // Its lease expires; another worker takes the shipment over.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const counts = await deliverDueShipments(deps);
    expect(counts.delivered).toBe(1);

    const folders = formulaireQfFolders();
    expect(folders).toHaveLength(1);
    expect(folders[0]!.id).not.toBe(halfCreated);
    expect(folders[0]!.globalStatus).not.toBe("HUBEE_RECEIVED");
  });

  const storedShipment = async (id: string) =>
    (await handle.db.select().from(shipments).where(eq(shipments.id, id)))[0]!;
  /** Claims as a worker whose lease lasts 50 ms (due "now" may be ahead of JavaScript's clock in PostgreSQL). */
  async function claimWithShortLease(id: string, sender: HubeeSender) {
    const [claimed] = await claimDueShipments({ ...deps, sender, leaseMs: 50 }, 10, new Date(Date.now() + 1_000));
    expect(claimed?.id).toBe(id);
    return claimed!;
  }
  const leaseExpiry = () => new Promise((resolve) => setTimeout(resolve, 60));
  const patiently = { timeout: 10_000 };
  const angersFormulaireQfNotifications = () =>
    Object.entries(sims.modules.hubee.notificationQueues()).find(([org]) => org.startsWith("SI-21490007900010"))?.[1]
      ?.FormulaireQF ?? [];

  it("deletes the half-created folder when HubEE refuses an attachment upload (400)", async () => {
    const shipment = await newShipment();
    sims.modules.hubee.faults.api.add({ route: "/attachments/", errorRatio: 1, errorStatuses: [400] });

    expect(await deliverNow(deps, shipment.id)).toBe("failed");
    expect(sims.modules.hubee.folders().filter((f) => f.externalId === `Formulaire-QF-${shipment.reference}`)).toEqual(
      [],
    );
    const stored = await storedShipment(shipment.id);
    expect(stored).toMatchObject({ status: "failed", hubeeFolderId: null, hubeeCaseId: null });
    expect(stored.lastError).toMatch(/HTTP 400/);
    expect(stored.payloadEncrypted).not.toBeNull();
  });

  it("keeps every pending shipment for later when HubEE refuses the portal's own login (a rotated secret)", async () => {
    const first = await newShipment();
    const second = await newShipment();
    const tokens = createHubeeTokenProvider({
      tokenUrl: sims.hubeeTokenUrl,
      clientId: DEMO_HUBEE_OSL.clientId,
      clientSecret: "ancien-secret",
      scope: "OSL",
    });
    const rotated = { ...deps, sender: createHubeeSender(createHubeeClient({ apiUrl: sims.hubeeApiUrl, tokens })) };
    expect(await deliverDueShipments(rotated)).toMatchObject({ delivered: 0, failed: 0 });
    for (const shipment of [first, second]) {
      const stored = await storedShipment(shipment.id);
      expect(stored.status).not.toBe("failed");
      expect(stored.lastError).toMatch(/Authentification HubEE refusée \(HTTP 401\)/);
      expect(stored.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() - 1_000);
    }
    // Once the secret is right again, both go through.
    await handle.db.update(shipments).set({ nextAttemptAt: new Date(Date.now() - 1_000) });
    expect((await deliverDueShipments(deps)).delivered).toBe(2);
  });

  it("deletes the folder HubEE created when its answer to POST /folders is unusable, then retries", async () => {
    const shipment = await newShipment();
    const client = createHubeeClient({
      apiUrl: sims.hubeeApiUrl,
      tokens: createHubeeTokenProvider({
        tokenUrl: sims.hubeeTokenUrl,
        clientId: DEMO_HUBEE_OSL.clientId,
        clientSecret: DEMO_HUBEE_OSL.clientSecret,
        scope: "OSL",
      }),
    });
    // The folder is created, but the answer keeps only its id.
    const truncating = createHubeeSender({
      ...client,
      async requestJson<T>(request: Parameters<typeof client.requestJson>[0]) {
        const body = await client.requestJson<{ id: string }>(request);
        return (request.method === "POST" && request.path === "/folders" ? { id: body.id } : body) as T;
      },
    });
    expect(await deliverNow({ ...deps, sender: truncating }, shipment.id)).toBe("retry_scheduled");
    expect(formulaireQfFolders()).toHaveLength(0);
    expect((await storedShipment(shipment.id)).lastError).toMatch(/incomplète \(dossier .+ supprimé\)/);
  });

  it("deletes the half-created folder when the last retry fails too", async () => {
    const shipment = await newShipment();
    sims.modules.hubee.faults.api.add({ route: "/attachments/", errorRatio: 1, errorStatuses: [503] });
    const lastTry = { ...deps, backoff: { ...FAST_BACKOFF, attempts: 1 } };
    expect(await deliverNow(lastTry, shipment.id)).toBe("failed");
    expect(formulaireQfFolders()).toHaveLength(0);
    expect(await storedShipment(shipment.id)).toMatchObject({ status: "failed", hubeeFolderId: null });
  });

  it("an attempt that outlived its lease discards the folder it created once another worker delivered", async () => {
    const shipment = await newShipment();
    let answer!: () => void;
    const slowAnswer = new Promise<void>((resolve) => (answer = resolve));
    const slowFolders: string[] = [];
    // HubEE creates the folder at once, its answer arrives after the lease expired.
    const slow: HubeeSender = {
      ...deps.sender,
      async createFolder(folder): Promise<CreatedFolder> {
        const created = await deps.sender.createFolder(folder);
        slowFolders.push(created.id);
        await slowAnswer;
        return created;
      },
    };
    const claimed = await claimWithShortLease(shipment.id, slow);
    const late = deliverClaimedShipment({ ...deps, sender: slow }, claimed);
    await expect.poll(() => slowFolders.length, patiently).toBe(1);

    await leaseExpiry();
    expect((await deliverDueShipments(deps)).delivered).toBe(1);
    answer();
    expect(await late).toBe("lease_lost");

    const folders = formulaireQfFolders();
    expect(folders).toHaveLength(1);
    expect(folders[0]!.id).not.toBe(slowFolders[0]);
    expect(folders[0]!.globalStatus).not.toBe("HUBEE_RECEIVED");
    expect(await storedShipment(shipment.id)).toMatchObject({ status: "delivered", hubeeFolderId: folders[0]!.id });
    expect(angersFormulaireQfNotifications()).toHaveLength(1);
  });

  it("an attempt that outlived its lease cannot mark failed a shipment another worker delivered", async () => {
    const shipment = await newShipment();
    let refuse!: () => void;
    const refusal = new Promise<void>((resolve) => (refuse = resolve));
    let uploadsStarted = 0;
    const stuck: HubeeSender = {
      ...deps.sender,
      async uploadAttachment() {
        uploadsStarted++;
        await refusal;
        throw new HubeeError("HubEE a refusé PUT /folders/…/attachments/… (HTTP 400) : size mismatch", {
          status: 400,
          transient: false,
        });
      },
    };
    const claimed = await claimWithShortLease(shipment.id, stuck);
    const late = deliverClaimedShipment({ ...deps, sender: stuck }, claimed);
    await expect.poll(() => uploadsStarted, patiently).toBe(1);

    await leaseExpiry();
    expect((await deliverDueShipments(deps)).delivered).toBe(1);
    const delivered = await storedShipment(shipment.id);
    refuse();
    expect(await late).toBe("lease_lost");

    expect(await storedShipment(shipment.id)).toEqual(delivered);
    expect(delivered).toMatchObject({ status: "delivered", lastError: null, failedAt: null });
    const folders = formulaireQfFolders();
    expect(folders).toHaveLength(1);
    expect(folders[0]!.id).toBe(delivered.hubeeFolderId);
    expect(folders[0]!.globalStatus).not.toBe("HUBEE_RECEIVED");
  });

  it("after a death during folder creation, the retry delivers once; the unknown folder never reaches the commune (ADR 009)", async () => {
    const shipment = await newShipment();
    // The process dies once HubEE created the folder, before it could record the id.
    const dying: HubeeSender = {
      ...deps.sender,
      async createFolder(folder) {
        await deps.sender.createFolder(folder);
        return new Promise<CreatedFolder>(() => {});
      },
    };
    const claimed = await claimWithShortLease(shipment.id, dying);
    void deliverClaimedShipment({ ...deps, sender: dying }, claimed);
    await expect.poll(() => formulaireQfFolders().length, patiently).toBe(1);
    const unrecorded = await storedShipment(shipment.id);
    expect(unrecorded.hubeeFolderId).toBeNull();
    expect(unrecorded.lastError).toMatch(new RegExp(`^${FOLDER_CREATION_MARKER}`));

    await leaseExpiry();
    expect((await deliverDueShipments(deps)).delivered).toBe(1);

    // HubEE v1 cannot find the first folder by externalId: it stays, never completed, so never notified.
    const folders = formulaireQfFolders();
    expect(folders.map((f) => f.globalStatus).sort()).toEqual(["HUBEE_NOTIFIED", "HUBEE_RECEIVED"]);
    const delivered = await storedShipment(shipment.id);
    expect(delivered).toMatchObject({ status: "delivered", lastError: null });
    expect(folders.find((f) => f.globalStatus !== "HUBEE_RECEIVED")!.id).toBe(delivered.hubeeFolderId);
    expect(angersFormulaireQfNotifications()).toHaveLength(1);
  });

  it("marks a shipment failed, keeping its payload, when the commune is not subscribed in HubEE", async () => {
    const shipment = await newShipment("Rennes");
    expect(await deliverNow(deps, shipment.id)).toBe("failed");
    const [stored] = await handle.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(stored!.status).toBe("failed");
    expect(stored!.lastError).toMatch(/HTTP 400/);
    expect(stored!.payloadEncrypted).not.toBeNull();
    expect(formulaireQfFolders().filter((f) => f.globalStatus !== "HUBEE_RECEIVED")).toHaveLength(0);
  });

  it("purges payloads after 90 days and HubEE ids 30 days after a final status", async () => {
    const old = await newShipment();
    const delivered = await newShipment();
    await handle.db
      .update(shipments)
      .set({ createdAt: new Date(Date.now() - 91 * 86_400_000) })
      .where(eq(shipments.id, old.id));
    await handle.db
      .update(shipments)
      .set({
        status: "delivered",
        hubeeFolderId: "f",
        hubeeCaseId: "c",
        finalStatusAt: new Date(Date.now() - 31 * 86_400_000),
      })
      .where(eq(shipments.id, delivered.id));

    expect(await purgeCitizenData(handle.db)).toEqual({ payloads: 2, abandoned: 1, hubeeIds: 1 });
    const rows = await handle.db.select().from(shipments);
    expect(rows.every((r) => r.payloadEncrypted === null)).toBe(true);
    expect(rows.find((r) => r.id === old.id)!.status).toBe("failed");
    expect(rows.find((r) => r.id === delivered.id)).toMatchObject({ hubeeFolderId: null, hubeeCaseId: null });
  });
});
