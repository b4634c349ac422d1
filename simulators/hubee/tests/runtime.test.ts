import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StoredFolder, StoredNotification } from "../model.ts";
import { INJECTED_SENDER_OSL } from "../organizations.ts";
import { ANGERS, BESANCON, FOREIGN, OSL, RENNES, sendQfFolder, sha256, startHarness, type Harness } from "./harness.ts";

const T = "/teledossiers/v1";
const NOTIFICATIONS = "/teledossiers/v1/notifications";

describe("HubEE fault injection", () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    h.sim.reset();
    token = await h.token(ANGERS);
  });
  afterAll(() => h.close());

  it("answers API requests with injected 5xx in HubEE's error envelope", async () => {
    const added = await h.admin<{ id: number; target: string; errorRatio: number }>("POST", "/faults", {
      target: "api",
      route: "^/teledossiers/v1/notifications",
      errorRatio: 1,
      errorStatuses: [503],
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ target: "api", errorRatio: 1 });
    const failed = await h.api(token, "GET", NOTIFICATIONS, { unchecked: true });
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({ errors: [{ code: 503, message: "Service Unavailable" }] });
    // Other routes and the token endpoint are untouched by this rule.
    expect((await h.api(await h.token(OSL), "GET", "/referential/v1/subscriptions")).status).toBe(200);

    const listed = await h.admin<{ api: unknown[]; token: unknown[] }>("GET", "/faults");
    expect(listed.json.api).toHaveLength(1);
    expect(listed.json.token).toHaveLength(0);
    expect((await h.admin("DELETE", "/faults")).status).toBe(204);
    expect((await h.api(token, "GET", NOTIFICATIONS)).status).toBe(200);
  });

  it("adds latency", async () => {
    await h.admin("POST", "/faults", { latencyMs: 300 });
    const started = Date.now();
    expect((await h.api(token, "GET", NOTIFICATIONS)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("never answers requests hit by a timeout fault", async () => {
    await h.admin("POST", "/faults", { timeoutRatio: 1, durationMs: 5_000 });
    const aborted = h.api(token, "GET", NOTIFICATIONS, { signal: AbortSignal.timeout(300), unchecked: true });
    await expect(aborted).rejects.toThrow();
    expect((await h.admin("DELETE", "/faults?target=api")).status).toBe(204);
    expect((await h.api(token, "GET", NOTIFICATIONS)).status).toBe(200);
  });

  it("takes the token endpoint down separately from the API", async () => {
    await h.admin("POST", "/faults", { target: "token", errorRatio: 1, errorStatuses: [503] });
    const down = await h.requestToken(OSL.clientId, OSL.clientSecret, "OSL");
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ error: "temporarily_unavailable", error_description: "Service Unavailable" });
    // Tokens already issued keep working: only the authorization server is down.
    expect((await h.api(token, "GET", NOTIFICATIONS)).status).toBe(200);
    h.sim.reset();
    expect((await h.requestToken(OSL.clientId, OSL.clientSecret, "OSL")).status).toBe(200);
  });

  it("refuses malformed fault rules", async () => {
    expect((await h.admin("POST", "/faults", { target: "database", errorRatio: 1 })).status).toBe(400);
    expect((await h.admin("POST", "/faults", { errorRatio: 2 })).status).toBe(400);
  });
});

describe("HubEE state: snapshot, restore, reset", () => {
  let first: Harness;
  let second: Harness;
  beforeAll(async () => {
    [first, second] = await Promise.all([startHarness(), startHarness()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it("survives a restart: a saved state restored elsewhere carries on where it stopped", async () => {
    const osl = await first.token(OSL);
    const si = await first.token(ANGERS);
    const { caseId, files, folder } = await sendQfFolder(first, osl, ANGERS);
    await first.api(si, "GET", `${T}/cases/${caseId}`);
    const before = await first.api<Array<{ id: string }>>(si, "GET", `${T}/notifications`);

    // What simulators/server.ts writes to its state file and reads back.
    const saved = JSON.parse(JSON.stringify(first.sim.snapshot())) as unknown;
    second.sim.restore(saved);

    // Same tokens, same queue, same case, same bytes.
    const after = await second.api<Array<{ id: string }>>(si, "GET", `${T}/notifications`);
    expect(after.json).toEqual(before.json);
    const kase = await second.api<{ status: string; attachments: Array<{ id: string; fileName: string }> }>(
      si,
      "GET",
      `${T}/cases/${caseId}`,
    );
    expect(kase.json.status).toBe("SENT");
    for (const attachment of kase.json.attachments) {
      const download = await second.api(si, "GET", `${T}/cases/${caseId}/attachments/${attachment.id}`);
      const file = files.find((f) => f.fileName === attachment.fileName)!;
      expect(download.bytes.equals(file.content)).toBe(true);
      expect(download.headers.get("digest")).toBe(sha256(file.content));
    }
    const event = await second.api(si, "POST", `${T}/cases/${caseId}/events`, {
      json: { actionType: "STATUS_UPDATE", caseNewStatus: "SI_RECEIVED", notification: true },
    });
    expect(event.status).toBe(201);
    expect(
      (await second.api<{ globalStatus: string }>(osl, "GET", `${T}/folders/${folder.id}`)).json.globalStatus,
    ).toBe("SI_RECEIVED");
    // The snapshot is a copy: the first instance did not move.
    expect(first.sim.store.findCase(caseId)!.kase.status).toBe("SENT");
    expect(JSON.parse(JSON.stringify(second.sim.snapshot()))).toEqual(second.sim.snapshot());
  });

  it("ignores an unreadable saved state and resets to the demo world", async () => {
    const before = second.sim.snapshot();
    second.sim.restore({ version: 99 });
    expect(second.sim.snapshot()).toEqual(before);

    expect((await second.admin("POST", "/reset")).status).toBe(204);
    const folders = await second.admin<StoredFolder[]>("GET", "/folders");
    expect(folders.json).toHaveLength(1);
    expect(folders.json[0]).toMatchObject({ processCode: FOREIGN, transmitter: INJECTED_SENDER_OSL });
    const queues = await second.admin<Record<string, Record<string, StoredNotification[]>>>("GET", "/notifications");
    expect(Object.keys(queues.json)).toEqual([`SI-${ANGERS.siret}-${ANGERS.codeCog}`]);
    expect(queues.json[`SI-${ANGERS.siret}-${ANGERS.codeCog}`][FOREIGN]).toHaveLength(1);
    expect(second.sim.store.tokens.size).toBe(0);
  });
});

describe("HubEE admin: folders injected as if another OSL sent them", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("creates a completed folder and notifies the commune", async () => {
    const json = Buffer.from(JSON.stringify({ external_id: "abc", quotient_familial: { quotientFamilial: 850 } }));
    const injected = await h.admin<{
      folderId: string;
      caseId: string;
      attachmentIds: string[];
      notificationIds: string[];
      folder: StoredFolder;
    }>("POST", "/folders/inject", {
      recipientSiret: BESANCON.siret,
      externalId: "Formulaire-QF-0123456789abc",
      applicant: { firstName: "Jean", lastName: "MARTIN" },
      attachments: [
        { fileName: "FormulaireQF.json", contentBase64: json.toString("base64"), mimeType: "application/json" },
      ],
    });
    expect(injected.status).toBe(201);
    expect(injected.json.folder).toMatchObject({ globalStatus: "HUBEE_NOTIFIED", transmitter: INJECTED_SENDER_OSL });
    expect(injected.json.notificationIds).toHaveLength(1);

    const si = await h.token(BESANCON);
    const queue = await h.api<Array<{ id: string; caseId: string; eventId: null; transmitter: unknown }>>(
      si,
      "GET",
      `${T}/notifications?eventDetails=true`,
    );
    expect(queue.json).toEqual([
      expect.objectContaining({
        id: injected.json.notificationIds[0],
        caseId: injected.json.caseId,
        eventId: null,
        transmitter: INJECTED_SENDER_OSL,
      }),
    ]);
    const kase = await h.api<{ externalId: string; attachments: Array<{ id: string; type: string }> }>(
      si,
      "GET",
      `${T}/cases/${injected.json.caseId}`,
    );
    expect(kase.json.externalId).toBe("Formulaire-QF-0123456789abc-01".slice(0, 30));
    expect(kase.json.attachments[0].type).toBe("FormulaireQF");
    const download = await h.api(
      si,
      "GET",
      `${T}/cases/${injected.json.caseId}/attachments/${injected.json.attachmentIds[0]}`,
    );
    expect(download.bytes.equals(json)).toBe(true);
    // Portail QF's sender cannot see another OSL's folder.
    expect((await h.api(await h.token(OSL), "GET", `${T}/folders/${injected.json.folderId}`)).status).toBe(403);
  });

  it("refuses communes not subscribed and malformed requests", async () => {
    const body = {
      recipientSiret: RENNES.siret,
      externalId: "x",
      applicant: { firstName: "A", lastName: "B" },
      attachments: [{ fileName: "a.json", contentBase64: "e30=", mimeType: "application/json" }],
    };
    const refused = await h.admin<{ error: string }>("POST", "/folders/inject", body);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/does not suscribed to process FormulaireQF/);
    expect((await h.admin("POST", "/folders/inject", { ...body, attachments: [] })).status).toBe(400);
    expect((await h.admin("GET", "/folders/3fa85f64-5717-4562-b3fc-2c963f66afa6")).status).toBe(404);
    const subscriptions = await h.admin<Array<{ processCode: string }>>("GET", "/subscriptions");
    expect(subscriptions.json.length).toBeGreaterThan(8);
  });
});

describe("HubEE SI clients registered through the admin API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(() => h.sim.reset());
  afterAll(() => h.close());

  const commune = { clientId: "si-bench-1", clientSecret: "secret-bench-1", siret: "21490001000019", codeCog: "49001" };

  it("authenticates a registered SI client on its own queue, with the SI scope only, until the reset", async () => {
    const added = await h.admin("POST", "/clients", { clients: [{ ...commune, name: "Commune 1" }] });
    expect(added.status).toBe(201);
    const token = await h.token({ hubeeSi: commune });
    const queue = await h.api<unknown[]>(token, "GET", NOTIFICATIONS);
    expect(queue.status).toBe(200);
    expect(queue.json).toEqual([]);
    expect((await h.requestToken(commune.clientId, "wrong-secret", "SI")).status).not.toBe(200);
    expect((await h.requestToken(commune.clientId, commune.clientSecret, "OSL")).status).not.toBe(200);

    h.sim.reset();
    expect((await h.requestToken(commune.clientId, commune.clientSecret, "SI")).status).not.toBe(200);
  });

  it("refuses a client id already known, a malformed SIRET and an empty list, registering nothing", async () => {
    expect((await h.admin("POST", "/clients", { clients: [{ ...commune, name: "A" }] })).status).toBe(201);
    const again = await h.admin("POST", "/clients", {
      clients: [
        { ...commune, clientId: "si-bench-2", name: "B" },
        { ...commune, name: "A bis" },
      ],
    });
    expect(again.status).toBe(409);
    expect((await h.requestToken("si-bench-2", commune.clientSecret, "SI")).status).not.toBe(200);
    expect(
      (await h.admin("POST", "/clients", { clients: [{ ...commune, clientId: "x", siret: "123", name: "C" }] })).status,
    ).toBe(400);
    expect((await h.admin("POST", "/clients", { clients: [] })).status).toBe(400);
    expect(
      (await h.admin("POST", "/clients", { clients: [{ ...commune, clientId: ANGERS.hubeeSi.clientId, name: "D" }] }))
        .status,
    ).toBe(409);
  });
});
