import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ANGERS,
  BESANCON,
  OSL,
  RENNES,
  folderBody,
  qfAttachments,
  sendQfFolder,
  sha256,
  startHarness,
  type CreatedFolder,
  type Harness,
} from "./harness.ts";

type Errors = { errors: Array<{ code: number; message: string }> };
const T = "/teledossiers/v1";
const NOTIFICATIONS = "/teledossiers/v1/notifications";

describe("HubEE token endpoint", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(() => h.sim.reset());
  afterAll(() => h.close());

  it("issues a bearer token to a client authenticated with HTTP Basic", async () => {
    const response = await h.requestToken(OSL.clientId, OSL.clientSecret, "OSL");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), scope: "OSL", token_type: "Bearer", expires_in: 3600 });
    const si = await h.requestToken(ANGERS.hubeeSi.clientId, ANGERS.hubeeSi.clientSecret, "SI");
    expect(si.status).toBe(200);
    // Rennes is subscribed to another démarche only: its credentials work.
    expect((await h.requestToken(RENNES.hubeeSi.clientId, RENNES.hubeeSi.clientSecret, "SI")).status).toBe(200);
  });

  it("refuses a wrong secret, an unknown client and credentials outside the Basic header", async () => {
    const wrong = await h.requestToken(OSL.clientId, "not-the-secret", "OSL");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_client");
    expect((await h.requestToken("nobody", "x", "OSL")).status).toBe(401);
    const inBody = await fetch(h.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: "OSL",
        client_id: OSL.clientId,
        client_secret: OSL.clientSecret,
      }).toString(),
    });
    expect(inBody.status).toBe(401);
  });

  it("checks grant type, scope and content type", async () => {
    const basic = `Basic ${Buffer.from(`${OSL.clientId}:${OSL.clientSecret}`).toString("base64")}`;
    const post = (body: string, contentType = "application/x-www-form-urlencoded") =>
      fetch(h.tokenUrl, { method: "POST", headers: { Authorization: basic, "Content-Type": contentType }, body });
    const grant = await post("grant_type=password&scope=OSL");
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as { error: string }).error).toBe("unsupported_grant_type");
    const scope = await post("grant_type=client_credentials&scope=SI");
    expect(scope.status).toBe(400);
    expect(((await scope.json()) as { error: string }).error).toBe("invalid_scope");
    expect((await post("grant_type=client_credentials")).status).toBe(400);
    const json = await post(JSON.stringify({ grant_type: "client_credentials", scope: "OSL" }), "application/json");
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");
    expect((await fetch(h.tokenUrl)).status).toBe(405);
  });

  it("answers the gateway's 900901 for expired or unknown tokens, 900902 without one", async () => {
    const token = await h.token(ANGERS);
    expect((await h.api(token, "GET", NOTIFICATIONS)).status).toBe(200);

    const unknown = await h.api<Errors>("not-a-token", "GET", NOTIFICATIONS);
    expect(unknown.status).toBe(401);
    expect(unknown.json.errors[0]).toMatchObject({ code: 900901, message: "Invalid Credentials" });
    const missing = await h.api<Errors>(null, "GET", NOTIFICATIONS);
    expect(missing.status).toBe(401);
    expect(missing.json.errors[0].code).toBe(900902);

    expect((await h.admin("POST", "/expire-tokens")).status).toBe(204);
    const expired = await h.api<Errors>(token, "GET", NOTIFICATIONS);
    expect(expired.status).toBe(401);
    expect(expired.json.errors[0].code).toBe(900901);
    expect(expired.headers.get("www-authenticate")).toMatch(/^Bearer/);
    // A new token works again.
    expect((await h.api(await h.token(ANGERS), "GET", NOTIFICATIONS)).status).toBe(200);
  });

  it("lets the admin shorten the lifetime of new tokens", async () => {
    const ttl = await h.admin<{ tokenTtlSeconds: number }>("POST", "/token-ttl", { seconds: 1 });
    expect(ttl.json).toEqual({ tokenTtlSeconds: 1 });
    expect((await h.admin("POST", "/token-ttl", { seconds: 0 })).status).toBe(400);
    const response = await h.requestToken(OSL.clientId, OSL.clientSecret, "OSL");
    const { access_token, expires_in } = (await response.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBe(1);
    expect((await h.api(access_token, "GET", NOTIFICATIONS)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await h.api<Errors>(access_token, "GET", NOTIFICATIONS)).json.errors[0].code).toBe(900901);
    // reset() restores the configured lifetime.
    h.sim.reset();
    expect(h.sim.tokens.ttlSeconds).toBe(3600);
  });
});

describe("HubEE refusals", () => {
  let h: Harness;
  let osl: string;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    h.sim.reset();
    osl = await h.token(OSL);
  });
  afterAll(() => h.close());

  async function createFolder(recipient = ANGERS) {
    const files = qfAttachments();
    const response = await h.api<CreatedFolder>(osl, "POST", `${T}/folders`, { json: folderBody(recipient, files) });
    expect(response.status).toBe(201);
    return { folder: response.json, files };
  }

  it("refuses an upload whose size differs from the declaration", async () => {
    const { folder, files } = await createFolder();
    const attachment = folder.attachments[0];
    const wrong = Buffer.concat([files[0].content, Buffer.from("x")]);
    const response = await h.api<Errors>(osl, "PUT", `${T}/folders/${folder.id}/attachments/${attachment.id}`, {
      body: wrong,
      headers: { "Content-Type": "application/octet-stream" },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].message).toMatch(/size mismatch/);
    expect(h.sim.store.folders.get(folder.id)!.attachments[0].status).toBe("REJECTED");
  });

  it("checks the digest when one is sent, accepts the RFC 3230 form, and refuses completion until all files are in", async () => {
    const { folder, files } = await createFolder();
    const [a, b, c] = folder.attachments;
    const put = (id: string, content: Buffer, digest?: string) =>
      h.api<Errors>(osl, "PUT", `${T}/folders/${folder.id}/attachments/${id}`, {
        body: content,
        headers: { "Content-Type": "application/octet-stream", ...(digest ? { digest } : {}) },
      });
    const mismatch = await put(a.id, files[0].content, sha256(Buffer.from("something else")));
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.errors[0].message).toMatch(/digest mismatch/);
    expect(h.sim.store.folders.get(folder.id)!.attachments[0].status).toBe("CORRUPTED");
    // A retry with the right bytes repairs it; the digest is optional.
    expect((await put(a.id, files[0].content, `SHA-256=${sha256(files[0].content)}`)).status).toBe(204);
    expect((await put(b.id, files[1].content)).status).toBe(204);

    const early = await h.api<Errors>(osl, "PATCH", `${T}/folders/${folder.id}`, {
      json: { globalStatus: "HUBEE_COMPLETED" },
    });
    expect(early.status).toBe(400);
    expect(early.json.errors[0].message).toContain(c.id);

    const wrongType = await h.api<Errors>(osl, "PUT", `${T}/folders/${folder.id}/attachments/${c.id}`, {
      body: files[2].content,
      headers: { "Content-Type": "application/pdf" },
    });
    expect(wrongType.status).toBe(400);
    const unknown = await put("3fa85f64-5717-4562-b3fc-2c963f66afa6", files[2].content);
    expect(unknown.status).toBe(404);
  });

  it("refuses a case for a commune not subscribed to FormulaireQF, with HubEE's wording", async () => {
    const response = await h.api<Errors>(osl, "POST", `${T}/folders`, { json: folderBody(RENNES) });
    expect(response.status).toBe(400);
    expect(response.json.errors[0]).toEqual({
      code: 400,
      message: `Organization SI-${RENNES.siret}-${RENNES.codeCog} does not suscribed to process FormulaireQF`,
    });
    const foreignProcess = await h.api<Errors>(osl, "POST", `${T}/folders`, {
      json: { ...folderBody(ANGERS), processCode: "DemandeActeNaissance" },
    });
    expect(foreignProcess.status).toBe(400);
    expect(foreignProcess.json.errors[0].message).toMatch(/^Organization OSL-.* does not suscribed/);
  });

  it("deletes a folder only while HUBEE_RECEIVED", async () => {
    const { folder } = await createFolder();
    expect((await h.api(osl, "DELETE", `${T}/folders/${folder.id}`)).status).toBe(204);
    expect((await h.api(osl, "GET", `${T}/folders/${folder.id}`)).status).toBe(404);
    const sent = await sendQfFolder(h, osl, ANGERS);
    const refused = await h.api<Errors>(osl, "DELETE", `${T}/folders/${sent.folder.id}`);
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].message).toMatch(/only be deleted while HUBEE_RECEIVED/);
  });

  it("enforces the case status machine", async () => {
    const { caseId, folder } = await sendQfFolder(h, osl, ANGERS);
    const si = await h.token(ANGERS);
    const statusEvent = (token: string, caseNewStatus: string, caseCurrentStatus?: string) =>
      h.api<Errors>(token, "POST", `${T}/cases/${caseId}/events`, {
        json: { actionType: "STATUS_UPDATE", caseNewStatus, caseCurrentStatus, notification: false },
      });
    // The SI has not read the case yet: still HUBEE_NOTIFIED.
    const skipped = await h.api<Errors>(si, "PATCH", `${T}/cases/${caseId}`, { json: { status: "SI_RECEIVED" } });
    expect(skipped.status).toBe(400);
    expect(skipped.json.errors[0].message).toMatch(/Illegal case status transition HUBEE_NOTIFIED -> SI_RECEIVED/);
    await h.api(si, "GET", `${T}/cases/${caseId}`);
    expect((await statusEvent(si, "DONE")).status).toBe(400);
    expect((await statusEvent(si, "SI_RECEIVED", "IN_PROGRESS")).json.errors[0].message).toMatch(
      /caseCurrentStatus IN_PROGRESS does not match/,
    );
    expect((await statusEvent(si, "NOT_A_STATUS")).status).toBe(400);
    expect((await statusEvent(si, "SI_RECEIVED")).status).toBe(201);
    // Refused after integration error, the SI may take the case again.
    expect((await statusEvent(si, "SI_INTG_ERROR")).status).toBe(201);
    expect((await statusEvent(si, "SI_RECEIVED")).status).toBe(201);
    // Only the sender closes, and only after a final status.
    expect((await h.api(si, "PATCH", `${T}/cases/${caseId}`, { json: { status: "CLOSED" } })).status).toBe(400);
    expect((await h.api(osl, "PATCH", `${T}/cases/${caseId}`, { json: { status: "CLOSED" } })).status).toBe(400);
    expect((await h.api(osl, "PATCH", `${T}/cases/${caseId}`, { json: { status: "IN_PROGRESS" } })).status).toBe(400);
    const closeFolder = await h.api<Errors>(osl, "PATCH", `${T}/folders/${folder.id}`, {
      json: { globalStatus: "CLOSED" },
    });
    expect(closeFolder.status).toBe(400);
    expect((await h.api(osl, "PATCH", `${T}/folders/${folder.id}`, { json: { globalStatus: "DONE" } })).status).toBe(
      400,
    );
    // PATCH first, then the event recording it (with or without caseCurrentStatus).
    expect((await h.api(si, "PATCH", `${T}/cases/${caseId}`, { json: { status: "IN_PROGRESS" } })).status).toBe(204);
    const recorded = await statusEvent(si, "IN_PROGRESS");
    expect(recorded.status).toBe(201);
    expect(recorded.json).toMatchObject({ caseCurrentStatus: "SI_RECEIVED", caseNewStatus: "IN_PROGRESS" });
    expect((await statusEvent(si, "IN_PROGRESS")).status).toBe(400);
    expect((await h.api(si, "PATCH", `${T}/cases/${caseId}`, { json: { status: "ADD_AWAITING" } })).status).toBe(204);
    expect((await statusEvent(si, "ADD_AWAITING", "IN_PROGRESS")).status).toBe(201);
    expect((await statusEvent(si, "IN_PROGRESS", "ADD_AWAITING")).status).toBe(201);
    expect((await statusEvent(si, "SI_RECEIVED")).status).toBe(400);
    // An event is acknowledged by its addressee only.
    const own = await h.api<{ id: string }>(si, "POST", `${T}/cases/${caseId}/events`, {
      json: { actionType: "COM_ADD", message: "Pièce manquante ?", notification: true },
    });
    expect(own.status).toBe(201);
    const selfAck = await h.api(si, "PATCH", `${T}/cases/${caseId}/events/${own.json.id}`, {
      json: { status: "RECEIVED" },
    });
    expect(selfAck.status).toBe(400);
    expect(
      (await h.api(osl, "PATCH", `${T}/cases/${caseId}/events/${own.json.id}`, { json: { status: "DONE" } })).status,
    ).toBe(400);
    const badAction = await h.api(si, "POST", `${T}/cases/${caseId}/events`, {
      json: { actionType: "TELEPORT", notification: false },
    });
    expect(badAction.status).toBe(400);
  });

  it("answers 403 on another organisation's case, folder or notification, 404 on unknown ids", async () => {
    const { caseId, folder } = await sendQfFolder(h, osl, ANGERS);
    const besancon = await h.token(BESANCON);
    expect((await h.api<Errors>(besancon, "GET", `${T}/cases/${caseId}`)).json.errors[0]).toEqual({
      code: 403,
      message: "Unauthorized user",
    });
    expect((await h.api(besancon, "GET", `${T}/cases/${caseId}/attachments/${folder.attachments[0].id}`)).status).toBe(
      403,
    );
    expect(
      (
        await h.api(besancon, "POST", `${T}/cases/${caseId}/events`, {
          json: { actionType: "STATUS_UPDATE", caseNewStatus: "SI_RECEIVED", notification: true },
        })
      ).status,
    ).toBe(403);
    const angers = await h.token(ANGERS);
    const [angersNotification] = (
      await h.api<Array<{ id: string }>>(angers, "GET", `${T}/notifications?processCode=FormulaireQF`)
    ).json;
    expect((await h.api(besancon, "DELETE", `${T}/notifications/${angersNotification.id}`)).status).toBe(403);
    // Scope: an SI token cannot use the sender's routes.
    const scoped = await h.api<Errors>(besancon, "GET", `${T}/folders/${folder.id}`);
    expect(scoped.status).toBe(403);
    expect(scoped.json.errors[0].code).toBe(900910);

    const unknownId = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    expect((await h.api(angers, "GET", `${T}/cases/${unknownId}`)).status).toBe(404);
    expect((await h.api(angers, "GET", `${T}/cases/${caseId}/events/${unknownId}`)).status).toBe(404);
    expect((await h.api(angers, "GET", `${T}/cases/${caseId}/attachments/${unknownId}`)).status).toBe(404);
    expect(
      (
        await h.api(angers, "POST", `${T}/cases/${unknownId}/events`, {
          json: { actionType: "COM_ADD", notification: false },
        })
      ).status,
    ).toBe(404);
    expect((await h.api(osl, "GET", `${T}/folders/${unknownId}`)).status).toBe(404);
  });

  it("hides a case from its recipient until the folder is completed", async () => {
    const { folder } = await createFolder();
    const si = await h.token(ANGERS);
    expect((await h.api(si, "GET", `${T}/cases/${folder.cases[0].id}`)).status).toBe(404);
    expect((await h.api(osl, "GET", `${T}/cases/${folder.cases[0].id}`)).status).toBe(200);
  });

  it("validates requests against the spec, in HubEE's message format", async () => {
    const { applicant: _applicant, ...noApplicant } = folderBody(ANGERS);
    const missing = await h.api<Errors>(osl, "POST", `${T}/folders`, { json: noApplicant });
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0].message).toBe(
      'Bad Request : Validation failed.\n[ERROR][REQUEST][POST /teledossiers/v1/folders @body] Object has missing required properties (["applicant"])',
    );
    const tooLong = await h.api<Errors>(osl, "POST", `${T}/folders`, {
      json: { ...folderBody(ANGERS), externalId: "x".repeat(31) },
    });
    expect(tooLong.json.errors[0].message).toContain("is too long (length: 31, maximum allowed: 30)");
    const badSize = folderBody(ANGERS);
    (badSize.attachments[0] as { size: unknown }).size = "12";
    const typed = await h.api<Errors>(osl, "POST", `${T}/folders`, { json: badSize });
    expect(typed.json.errors[0].message).toContain(
      "[Path '/attachments/0/size'] Instance type (string) does not match any allowed primitive type",
    );
    const badSiret = folderBody(ANGERS);
    badSiret.cases[0].recipient.companyRegister = "2149";
    expect((await h.api(osl, "POST", `${T}/folders`, { json: badSiret })).status).toBe(400);
    const notJson = await h.api<Errors>(osl, "POST", `${T}/folders`, {
      body: "{",
      headers: { "Content-Type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    const textPlain = await h.api<Errors>(osl, "POST", `${T}/folders`, {
      body: JSON.stringify(folderBody(ANGERS)),
      headers: { "Content-Type": "text/plain" },
    });
    expect(textPlain.json.errors[0].message).toMatch(/Content-Type header 'text\/plain' does not match/);

    const si = await h.token(ANGERS);
    const maxResult = await h.api<Errors>(si, "GET", `${T}/notifications?maxResult=abc`);
    expect(maxResult.json.errors[0].message).toBe(
      'Bad Request : Validation failed.\n[ERROR][REQUEST][GET /teledossiers/v1/notifications @query.maxResult] Instance type (string) does not match any allowed primitive type (allowed: ["integer","number"])',
    );
    const uuid = await h.api<Errors>(si, "DELETE", `${T}/notifications/dddddd`);
    expect(uuid.json.errors[0].message).toBe(
      'Bad Request : Validation failed.\n[ERROR][REQUEST][DELETE /teledossiers/v1/notifications/dddddd @path.notificationId] Input string "dddddd" is not a valid UUID',
    );
    const unexpected = await h.api<Errors>(osl, "GET", "/referential/v1/subscriptions?processType=FormulaireQF");
    expect(unexpected.json.errors[0].message).toContain(
      "[ERROR][REQUEST][GET /referential/v1/subscriptions @query.processType] Query parameter 'processType' is unexpected",
    );
    const header = await h.api(osl, "POST", `${T}/folders`, {
      json: folderBody(ANGERS),
      headers: { editorName: "e".repeat(51) },
    });
    expect(header.status).toBe(400);
    expect((await h.api(si, "GET", `${T}/notifications?maxResult=0`)).status).toBe(400);
    const unknownRoute = await h.api<Errors>(si, "GET", `${T}/nothing-here`, { unchecked: true });
    expect(unknownRoute.status).toBe(404);
    const wrongMethod = await h.api<Errors>(si, "PUT", `${T}/notifications`, { unchecked: true });
    expect(wrongMethod.status).toBe(405);
    // Operations of the spec the simulator does not model still authenticate, then say so.
    const purge = await h.api<Errors>(si, "GET", `${T}/attachmentsIdsForPurge`, { unchecked: true });
    expect(purge.status).toBe(501);
  });
});
