import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { StoredFolder } from "../model.ts";
import { FOLDER_SPEC_FILE, loadHubeeSpec } from "../openapi-spec.ts";
import { ContractViolation } from "./contract.ts";
import {
  ANGERS,
  FOREIGN,
  OSL,
  qfAttachments,
  folderBody,
  sha256,
  startHarness,
  type CreatedFolder,
  type Harness,
} from "./harness.ts";

const T = "/teledossiers/v1";

interface Notification {
  id: string;
  processCode: string;
  caseId: string;
  eventId: string | null;
  recipient: { companyRegister: string; branchCode: string; type: string };
  transmitter: { companyRegister: string; branchCode: string; type: string };
  dateTime: string;
  eventActionType?: string | null;
  eventStatus?: string | null;
}

interface CaseBody {
  id: string;
  status: string;
  applicant: { firstName: string; lastName: string };
  attachments: Array<{ id: string; fileName: string; size: number; status: string }>;
  events: Array<{ id: string; caseNewStatus: string | null }>;
}

describe("HubEE: the sender sends a folder, the commune receives it", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("runs the whole sender then receiver sequence of README §3", async () => {
    const osl = await h.token(OSL);

    // --- Sender: create, upload three files with their digest, complete.
    const files = qfAttachments("DUPONT");
    const body = folderBody(ANGERS, files);
    const created = await h.api<CreatedFolder>(osl, "POST", `${T}/folders`, {
      json: body,
      headers: { editorName: "DINUM", applicationName: "portail-qf", softwareVersion: "0.1.0" },
    });
    expect(created.status).toBe(201);
    const folder = created.json;
    expect(folder.globalStatus).toBe("HUBEE_RECEIVED");
    expect(folder.cases).toHaveLength(1);
    expect(folder.attachments.map((a) => a.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
    const caseId = folder.cases[0].id;

    for (const attachment of folder.attachments) {
      const file = files.find((f) => f.fileName === attachment.fileName)!;
      const upload = await h.api(osl, "PUT", `${T}/folders/${folder.id}/attachments/${attachment.id}`, {
        body: file.content,
        headers: { "Content-Type": "application/octet-stream", digest: sha256(file.content) },
      });
      expect(upload.status).toBe(204);
    }
    const uploaded = await h.api<CreatedFolder>(osl, "GET", `${T}/folders/${folder.id}`);
    expect(uploaded.json.attachments.every((a) => a.status === "RECEIVED")).toBe(true);

    expect(
      (await h.api(osl, "PATCH", `${T}/folders/${folder.id}`, { json: { globalStatus: "HUBEE_COMPLETED" } })).status,
    ).toBe(204);
    const completed = await h.api<CreatedFolder>(osl, "GET", `${T}/folders/${folder.id}`);
    expect(completed.json.globalStatus).toBe("HUBEE_NOTIFIED");
    expect(completed.json.cases[0].status).toBe("HUBEE_NOTIFIED");

    // --- Receiver: the commune's queue holds the seeded foreign notification and ours.
    const si = await h.token(ANGERS);
    const firstPage = await h.api<Notification[]>(si, "GET", `${T}/notifications?eventDetails=true&maxResult=1`);
    expect(firstPage.json).toHaveLength(1);
    const all = await h.api<Notification[]>(si, "GET", `${T}/notifications?eventDetails=true&maxResult=25`);
    expect(all.json).toHaveLength(2);
    const foreign = all.json.find((n) => n.processCode === FOREIGN)!;
    expect(foreign).toBeDefined();
    const mine = all.json.find((n) => n.processCode === "FormulaireQF")!;
    expect(mine).toMatchObject({
      caseId,
      eventId: null,
      eventActionType: null,
      eventStatus: null,
      recipient: { type: "SI", companyRegister: ANGERS.siret, branchCode: ANGERS.codeCog },
      transmitter: { type: "OSL", companyRegister: OSL.siret, branchCode: OSL.codeCog },
    });
    const plain = await h.api<Notification[]>(si, "GET", `${T}/notifications?processCode=FormulaireQF`);
    expect(plain.json.map((n) => n.id)).toEqual([mine.id]);
    expect(plain.json[0]).not.toHaveProperty("eventActionType");

    // Reading the case moves it HUBEE_NOTIFIED → SENT, once.
    const read = await h.api<CaseBody>(si, "GET", `${T}/cases/${caseId}`);
    expect(read.status).toBe(200);
    expect(read.json.status).toBe("SENT");
    expect(read.json.applicant).toEqual({ firstName: "Marie", lastName: "DUPONT" });
    expect(read.json.attachments).toHaveLength(3);
    const again = await h.api<CaseBody>(si, "GET", `${T}/cases/${caseId}`);
    expect(again.json.events.filter((e) => e.caseNewStatus === "SENT")).toHaveLength(1);
    const lite = await h.api<CaseBody>(si, "GET", `${T}/cases/${caseId}?lite=true`);
    expect(lite.json).not.toHaveProperty("events");

    for (const attachment of read.json.attachments) {
      const download = await h.api(si, "GET", `${T}/cases/${caseId}/attachments/${attachment.id}`);
      const file = files.find((f) => f.fileName === attachment.fileName)!;
      expect(download.status).toBe(200);
      expect(download.bytes.equals(file.content)).toBe(true);
      expect(download.headers.get("digest")).toBe(sha256(file.content));
    }

    // Report SI_RECEIVED (event then PATCH, as README §3), then drop the notification.
    const event = await h.api<{ id: string; status: string; caseNewStatus: string; transmitter: { type: string } }>(
      si,
      "POST",
      `${T}/cases/${caseId}/events`,
      {
        json: {
          actionType: "STATUS_UPDATE",
          caseCurrentStatus: "SENT",
          caseNewStatus: "SI_RECEIVED",
          author: "Logiciel de la commune",
          message: "Dossier intégré",
          notification: true,
        },
      },
    );
    expect(event.status).toBe(201);
    expect(event.json).toMatchObject({ status: "SENT", caseNewStatus: "SI_RECEIVED", transmitter: { type: "SI" } });
    expect((await h.api(si, "PATCH", `${T}/cases/${caseId}`, { json: { status: "SI_RECEIVED" } })).status).toBe(204);
    expect((await h.api<CaseBody>(si, "GET", `${T}/cases/${caseId}`)).json.status).toBe("SI_RECEIVED");

    expect((await h.api(si, "DELETE", `${T}/notifications/${mine.id}`)).status).toBe(204);
    expect((await h.api(si, "DELETE", `${T}/notifications/${mine.id}`)).status).toBe(404);
    const left = await h.api<Notification[]>(si, "GET", `${T}/notifications?eventDetails=true&maxResult=25`);
    expect(left.json).toEqual([foreign]);

    // --- The sender follows the case through the SI's events.
    const oslQueue = await h.api<Notification[]>(osl, "GET", `${T}/notifications?eventDetails=true&maxResult=25`);
    expect(oslQueue.json.map((n) => [n.eventActionType, n.eventStatus, n.caseId])).toEqual([
      ["STATUS_UPDATE", "SENT", caseId],
      ["STATUS_UPDATE", "SENT", caseId],
    ]);
    const received = oslQueue.json.find((n) => n.eventId === event.json.id)!;
    const seen = await h.api<{ caseNewStatus: string; comment: string | null }>(
      osl,
      "GET",
      `${T}/cases/${caseId}/events/${received.eventId}`,
    );
    expect(seen.json.caseNewStatus).toBe("SI_RECEIVED");
    expect(
      (await h.api(osl, "PATCH", `${T}/cases/${caseId}/events/${received.eventId}`, { json: { status: "RECEIVED" } }))
        .status,
    ).toBe(204);
    const acknowledged = await h.api<Notification[]>(osl, "GET", `${T}/notifications?eventDetails=true`);
    expect(acknowledged.json.find((n) => n.id === received.id)?.eventStatus).toBe("RECEIVED");
    for (const n of oslQueue.json) expect((await h.api(osl, "DELETE", `${T}/notifications/${n.id}`)).status).toBe(204);

    // --- The commune finishes, the sender closes case then folder.
    for (const status of ["IN_PROGRESS", "DONE"]) {
      const step = await h.api(si, "POST", `${T}/cases/${caseId}/events`, {
        json: { actionType: "STATUS_UPDATE", caseNewStatus: status, notification: true, author: "Agent" },
      });
      expect(step.status).toBe(201);
    }
    expect((await h.api(osl, "PATCH", `${T}/cases/${caseId}`, { json: { status: "CLOSED" } })).status).toBe(204);
    const closeEvent = await h.api(osl, "POST", `${T}/cases/${caseId}/events`, {
      json: { actionType: "STATUS_UPDATE", caseCurrentStatus: "DONE", caseNewStatus: "CLOSED", notification: true },
    });
    expect(closeEvent.status).toBe(201);
    expect(
      (
        await h.api(osl, "PATCH", `${T}/folders/${folder.id}`, {
          json: { globalStatus: "CLOSED", closeDateTime: "2025-06-01T10:00:00.000Z" },
        })
      ).status,
    ).toBe(204);
    const closed = await h.api<CreatedFolder & { closeDateTime: string }>(osl, "GET", `${T}/folders/${folder.id}`);
    expect(closed.json.globalStatus).toBe("CLOSED");
    expect(closed.json.closeDateTime).toBe("2025-06-01T10:00:00.000Z");
    const siQueue = await h.api<Notification[]>(
      si,
      "GET",
      `${T}/notifications?eventDetails=true&processCode=FormulaireQF`,
    );
    expect(siQueue.json).toHaveLength(1);
    expect(siQueue.json[0].eventActionType).toBe("STATUS_UPDATE");

    // The admin view keeps the whole story, and what the app sent, byte for byte.
    const admin = await h.admin<StoredFolder>("GET", `/folders/${folder.id}`);
    expect(admin.json.cases[0].history.map((c) => c.to)).toEqual([
      "HUBEE_NOTIFIED",
      "SENT",
      "SI_RECEIVED",
      "IN_PROGRESS",
      "DONE",
      "CLOSED",
    ]);
    expect(admin.json.partnerInfo).toEqual({
      editorName: "DINUM",
      applicationName: "portail-qf",
      softwareVersion: "0.1.0",
    });
    const jsonFile = admin.json.attachments.find((a) => a.fileName === "FormulaireQF.json")!;
    expect(jsonFile.sha256).toBe(sha256(files[0].content));
    const raw = await h.admin("GET", `/folders/${folder.id}/attachments/${jsonFile.id}`);
    expect(JSON.parse(raw.bytes.toString())).toEqual(JSON.parse(files[0].content.toString()));

    // The foreign démarche's case was never touched.
    const foreignFolder = h.sim.folders().find((f) => f.processCode === FOREIGN)!;
    expect(foreignFolder.cases[0].status).toBe("HUBEE_NOTIFIED");
  });

  it("lists the communes subscribed to FormulaireQF in the referential", async () => {
    const osl = await h.token(OSL);
    const list = await h.api<Array<{ id: string; subscriber: { companyRegister: string } }>>(
      osl,
      "GET",
      "/referential/v1/subscriptions?processCode=FormulaireQF&status=Actif&maxResult=5000",
    );
    expect(list.status).toBe(200);
    expect(list.headers.get("content-range")).toBe("Subscriptions 0-4/5");
    expect(list.json.map((s) => s.subscriber.companyRegister)).not.toContain("21350238000016");
    const one = await h.api<{ id: string }>(osl, "GET", `/referential/v1/subscriptions/${list.json[0].id}`);
    expect(one.json.id).toBe(list.json[0].id);
    const angers = await h.api<unknown[]>(osl, "GET", `/referential/v1/subscriptions?companyRegister=${ANGERS.siret}`);
    expect(angers.json).toHaveLength(1);
  });
});

/** Every operation the simulator models; the others answer 501. */
const SIMULATED = [
  "createFolder",
  "getFolderById",
  "updateFolder",
  "updateFolderWithPost",
  "deleteFolder",
  "uploadFolderAttachment",
  "getCaseById",
  "updateCase",
  "updateCaseWithPost",
  "downloadCaseAttachmentById",
  "createEvent",
  "getEventById",
  "updateEvent",
  "updateEventWithPost",
  "listNotification",
  "deleteNotification",
  "listSubscription",
  "getSubscriptionById",
];

describe("HubEE contract: responses match the official OpenAPI specs", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("the checker rejects drift: undeclared fields, undocumented statuses, wrong types", () => {
    const folder = h.sim.folders()[0];
    const base = {
      method: "GET",
      path: `${T}/notifications`,
      status: 200,
      contentType: "application/json",
      bodyLength: 1,
    };
    const notification = {
      id: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      recipient: { type: "SI", companyRegister: ANGERS.siret, branchCode: ANGERS.codeCog },
      transmitter: { type: "OSL", companyRegister: OSL.siret, branchCode: OSL.codeCog },
      processCode: "FormulaireQF",
      caseId: folder.cases[0].id,
      eventId: null,
      dateTime: new Date().toISOString(),
    };
    expect(() => h.contract.check({ ...base, body: [notification] })).not.toThrow();
    expect(() => h.contract.check({ ...base, body: [{ ...notification, invented: true }] })).toThrow(ContractViolation);
    expect(() => h.contract.check({ ...base, body: [{ ...notification, dateTime: "yesterday" }] })).toThrow(
      ContractViolation,
    );
    const { processCode: _processCode, ...incomplete } = notification;
    expect(() => h.contract.check({ ...base, body: [incomplete] })).toThrow(/processCode/);
    expect(() => h.contract.check({ ...base, status: 404, body: { errors: [] } })).toThrow(/not documented/);
    expect(() =>
      h.contract.check({ ...base, method: "DELETE", path: `${T}/folders/x`, status: 204, body: "x", bodyLength: 1 }),
    ).toThrow(/no body/);
    expect(() => h.contract.check({ ...base, path: `${T}/unknown`, body: [] })).toThrow(/no operation/);
  });

  it("only tolerates the additions README §3 documents over the v1.2.7 file", async () => {
    const raw = parse(await readFile(FOLDER_SPEC_FILE, "utf8")) as {
      components: { schemas: { Notification: { properties: object } } };
    };
    const spec = await loadHubeeSpec();
    const added = Object.keys(spec.schemas.teledossiers.Notification.properties as object).filter(
      (name) => !(name in raw.components.schemas.Notification.properties),
    );
    expect(added).toEqual(["eventActionType", "eventStatus"]);
    expect(spec.operation("listNotification").parameters.map((p) => p.name)).toContain("eventDetails");
  });

  it("exercises every simulated operation with spec-valid responses", async () => {
    const osl = await h.token(OSL);
    const si = await h.token(ANGERS);

    const discarded = await h.api<CreatedFolder>(osl, "POST", `${T}/folders`, { json: folderBody(ANGERS) });
    expect((await h.api(osl, "DELETE", `${T}/folders/${discarded.json.id}`)).status).toBe(204);

    const files = qfAttachments();
    const folder = (await h.api<CreatedFolder>(osl, "POST", `${T}/folders`, { json: folderBody(ANGERS, files) })).json;
    for (const [i, attachment] of folder.attachments.entries()) {
      await h.api(osl, "PUT", `${T}/folders/${folder.id}/attachments/${attachment.id}`, {
        body: files[i].content,
        headers: { "Content-Type": "application/octet-stream", digest: sha256(files[i].content) },
      });
    }
    const override = { "X-HTTP-Method-Override": "PATCH" };
    const completed = await h.api(osl, "POST", `${T}/folders/${folder.id}`, {
      json: { globalStatus: "HUBEE_COMPLETED" },
      headers: override,
    });
    expect(completed.status).toBe(204);
    const caseId = folder.cases[0].id;

    const [notification] = (
      await h.api<Array<{ id: string }>>(si, "GET", `${T}/notifications?eventDetails=true&processCode=FormulaireQF`)
    ).json;
    await h.api(si, "GET", `${T}/cases/${caseId}`);
    await h.api(si, "GET", `${T}/cases/${caseId}/attachments/${folder.attachments[0].id}`);
    await h.api(si, "POST", `${T}/cases/${caseId}/events`, {
      json: { actionType: "STATUS_UPDATE", caseNewStatus: "SI_RECEIVED", notification: true, comment: "interne" },
    });
    await h.api(si, "POST", `${T}/cases/${caseId}`, { json: { status: "IN_PROGRESS" }, headers: override });
    await h.api(si, "PATCH", `${T}/cases/${caseId}`, { json: { status: "DONE" } });
    await h.api(si, "DELETE", `${T}/notifications/${notification.id}`);

    const oslQueue = (await h.api<Array<{ id: string; eventId: string }>>(osl, "GET", `${T}/notifications`)).json;
    const [first, second] = oslQueue;
    await h.api(osl, "GET", `${T}/cases/${caseId}/events/${first.eventId}`);
    await h.api(osl, "POST", `${T}/cases/${caseId}/events/${first.eventId}`, {
      json: { status: "RECEIVED" },
      headers: override,
    });
    await h.api(osl, "PATCH", `${T}/cases/${caseId}/events/${second.eventId}`, { json: { status: "RECEIVED" } });
    await h.api(osl, "GET", `${T}/cases/${caseId}`);
    await h.api(osl, "PATCH", `${T}/cases/${caseId}`, { json: { status: "CLOSED" } });
    const closed = await h.api(osl, "PATCH", `${T}/folders/${folder.id}`, { json: { globalStatus: "CLOSED" } });
    expect(closed.status).toBe(204);
    await h.api(osl, "GET", `${T}/folders/${folder.id}`);

    const subscriptions = await h.api<Array<{ id: string }>>(osl, "GET", "/referential/v1/subscriptions");
    await h.api(osl, "GET", `/referential/v1/subscriptions/${subscriptions.json[0].id}`);

    const covered = h.contract.coveredOperations();
    expect(SIMULATED.filter((op) => !covered.has(op))).toEqual([]);
    // And the list above is the simulator's real surface.
    const spec = await loadHubeeSpec();
    expect(spec.operations.map((op) => op.operationId).filter((id) => SIMULATED.includes(id))).toHaveLength(
      SIMULATED.length,
    );
  });
});
