import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  caseAttachments,
  collectivities,
  collectivitySettings,
  families,
  familyAnnotations,
  familyStatusChanges,
  receivedCases,
} from "../../db/schema/index.ts";
import { duboisShipment } from "../fixtures/shipment-data.ts";
import { buildAttachments } from "../../app/formulaire-qf/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { getConfig } from "../../app/config.server.ts";
import { createHubeeClient } from "../../app/integrations/hubee/client.server.ts";
import { createHubeeReceiver } from "../../app/integrations/hubee/receiver.server.ts";
import { createHubeeTokenProvider } from "../../app/integrations/hubee/token.server.ts";
import { changeFamilyStatus } from "../../app/portal/family-files/family-status-change.server.ts";
import { STATUS_REPORT_GRACE_MS } from "../../app/portal/family-files/owed-status-reports.server.ts";
import { clearHubeeReceiverCache, hubeeInboxSettings } from "../../app/portal/hubee-reception/hubee-inboxes.server.ts";
import { ingestCommuneInbox } from "../../app/portal/hubee-reception/poll-inbox.server.ts";
import { sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";
import * as fileRoute from "../../app/routes/portail.communes.$siret.dossiers.$familyId/route.tsx";
import * as attachmentRoute from "../../app/routes/portail.communes.$siret.dossiers.$familyId.pieces-jointes.$attachmentId.ts";
import * as inboxRoute from "../../app/routes/portail.communes.$siret.dossiers._index/route.tsx";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { enqueueNotification } from "../../simulators/hubee/notifications.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import {
  addMember,
  callRoute,
  createAgent,
  createCommune,
  signIn,
  withCookies,
  type RouteAnswer,
} from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/** The family file's status actions over the HubEE simulator, through the route modules. */

const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;
let sims: RunningSimulators;
let handle: DatabaseHandle;
let angersId: string;
let otherSiret: string;
let cookie: string;
let foreignCookie: string;
let memberId: string;
let counter = 0;

beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
  // The routes read the process configuration: point it at this simulator before its first use.
  process.env.HUBEE_API_URL = sims.hubeeApiUrl;
  process.env.HUBEE_TOKEN_URL = sims.hubeeTokenUrl;
  clearHubeeReceiverCache();
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  const [angers] = await handle.db
    .insert(collectivities)
    .values({ name: "Angers", siret: ANGERS.siret, codeCog: ANGERS.codeCog, departement: ANGERS.departement })
    .returning();
  angersId = angers!.id;
  const key = hubeeInboxSettings(getConfig()).encryptionKey;
  await handle.db.insert(collectivitySettings).values({
    collectivityId: angersId,
    hubeeSiClientId: ANGERS.hubeeSi.clientId,
    hubeeSiSecretEncrypted: sealSettingsSecret(key, angersId, "hubee_si_secret", ANGERS.hubeeSi.clientSecret),
  });
  const other = await createCommune(handle.db, "Autre", 301);
  otherSiret = other.siret;
  const agent = await createAgent(handle.db, { email: "agent@angers.fr", givenName: "Paul", usualName: "Durand" });
  await addMember(handle.db, agent.id, angersId, "agent");
  cookie = await signIn(handle.db, agent.id);
  memberId = agent.id;
  const foreign = await createAgent(handle.db, { email: "agent@autre.fr" });
  await addMember(handle.db, foreign.id, other.id, "admin");
  foreignCookie = await signIn(handle.db, foreign.id);
});

afterAll(async () => {
  await handle?.close();
  await sims?.close();
});

const receiver = () =>
  createHubeeReceiver(
    createHubeeClient({
      apiUrl: sims.hubeeApiUrl,
      tokens: createHubeeTokenProvider({
        tokenUrl: sims.hubeeTokenUrl,
        clientId: ANGERS.hubeeSi.clientId,
        clientSecret: ANGERS.hubeeSi.clientSecret,
        scope: "SI",
      }),
    }),
  );

/** A FormulaireQF transmission to Angers, read by the portal: returns the family file's id and the HubEE case id. */
async function receiveTransmission(lastName: string) {
  const reference = (0xb0000000000 + ++counter).toString(16).toUpperCase().padStart(13, "0");
  const data = duboisShipment({ reference });
  data.pivotIdentity = { ...data.pivotIdentity, familyName: lastName };
  const files = await buildAttachments(data);
  const externalId = `Formulaire-QF-${reference}`;
  const folder = sims.modules.hubee.injectFolder({
    recipientSiret: ANGERS.siret,
    externalId,
    caseExternalId: externalId,
    applicant: { firstName: "Marie", lastName },
    attachments: files.map((f) => ({
      fileName: f.fileName,
      mimeType: f.mimeType,
      contentBase64: f.content.toString("base64"),
    })),
  });
  const counts = await ingestCommuneInbox(handle.db, receiver(), { id: angersId, name: "Angers" });
  expect(counts.cases).toBe(1);
  const [row] = await handle.db
    .select({ familyId: receivedCases.familyId, hubeeCaseId: receivedCases.hubeeCaseId })
    .from(receivedCases)
    .where(eq(receivedCases.reference, reference));
  expect(row!.hubeeCaseId).toBe(folder.cases[0]!.id);
  return { familyId: row!.familyId, caseId: row!.hubeeCaseId, reference };
}

const simulatorCase = (caseId: string) =>
  sims.modules.hubee
    .folders()
    .flatMap((f) => f.cases)
    .find((c) => c.id === caseId)!;

const act = (familyId: string, form: Record<string, string>, who = cookie, siret = ANGERS.siret) =>
  callRoute(fileRoute, "action", {
    path: `/portail/communes/${siret}/dossiers/${familyId}`,
    params: { siret, familyId },
    cookie: who,
    form,
  });

/** Post/Redirect/Get: a successful action leads back to the file (with the inbox query it was opened with). */
const redirected = (answer: RouteAnswer, familyId: string, query = "") => {
  expect(answer.status).toBe(302);
  expect(answer.location).toBe(`/portail/communes/${ANGERS.siret}/dossiers/${familyId}${query}`);
  return true;
};

describe("status actions", () => {
  it("takes a file in charge, then marks it treated: each step reaches HubEE as event + case status", async () => {
    const { familyId, caseId } = await receiveTransmission("LEROUX");
    expect(simulatorCase(caseId).status).toBe("SI_RECEIVED");

    // "Traité" straight from "received" is not an allowed transition: nothing is sent.
    const early = await act(familyId, { intent: "traiter", confirm: "1" });
    expect(early.status).toBe(400);
    expect(simulatorCase(caseId).status).toBe("SI_RECEIVED");

    expect(redirected(await act(familyId, { intent: "prendre" }), familyId)).toBe(true);
    expect(simulatorCase(caseId).status).toBe("IN_PROGRESS");
    expect((await act(familyId, { intent: "prendre" })).status).toBe(400);

    expect(redirected(await act(familyId, { intent: "traiter", confirm: "1" }), familyId)).toBe(true);
    const kase = simulatorCase(caseId);
    expect(kase.status).toBe("DONE");
    // HubEE's own SENT (when the portal first read the case) comes first.
    expect(
      kase.events
        .filter((e) => e.actionType === "STATUS_UPDATE")
        .map((e) => e.caseNewStatus)
        .slice(-3),
    ).toEqual(["SI_RECEIVED", "IN_PROGRESS", "DONE"]);

    const [family] = await handle.db.select().from(families).where(eq(families.id, familyId));
    expect(family!.status).toBe("done");
    const [stored] = await handle.db.select().from(receivedCases).where(eq(receivedCases.hubeeCaseId, caseId));
    expect(stored!.hubeeStatus).toBe("DONE");

    // The file shows the timeline; viewing it and changing its status are audited.
    const view = await callRoute(fileRoute, "loader", {
      path: `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`,
      params: { siret: ANGERS.siret, familyId },
      cookie,
    });
    expect(view.status).toBe(200);
    const timeline = (view.data as { timeline: { label: string }[] }).timeline.map((e) => e.label);
    expect(timeline).toEqual(["Télédossier reçu", "Pris en charge", "Traité"]);
    // Angela Dubois, FranceConnect's test user, was born in Paris 7e (COG 75107): named, code kept.
    expect((view.data as { family: { birthplace: string } }).family.birthplace).toMatch(
      /^Paris 7e Arrondissement \(75\) — code INSEE 75107$/,
    );
    const actions = (
      await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, familyId)).orderBy(auditEvents.id)
    ).map((e) => e.action);
    expect(actions.filter((a) => a === "family_file.status_changed")).toHaveLength(2);
    expect(actions).toContain("family_file.viewed");

    // Opened again (as Remix revalidates after each action on the page): still one consultation.
    await callRoute(fileRoute, "loader", {
      path: `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`,
      params: { siret: ANGERS.siret, familyId },
      cookie,
    });
    const views = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, familyId));
    expect(views.filter((e) => e.action === "family_file.viewed")).toHaveLength(1);
  });

  it("closes a file as treated only once confirmed: a post without the confirmation shows it instead", async () => {
    const { familyId, caseId } = await receiveTransmission("MARCHAND");
    const path = `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`;
    const page = async (query: string, actionData?: unknown) => {
      const view = await callRoute(fileRoute, "loader", {
        path: `${path}${query}`,
        params: { siret: ANGERS.siret, familyId },
        cookie,
      });
      return renderRoute(fileRoute.default, view.data as object, `${path}${query}`, actionData as object);
    };
    const stored = async () => (await handle.db.select().from(families).where(eq(families.id, familyId)))[0]!.status;
    await act(familyId, { intent: "prendre" });

    // « Traité » only asks for the confirmation (a GET), which has a form of its own and « Annuler ».
    const before = await page("");
    expect(before).not.toContain("Marquer ce dossier comme traité ?");
    expect(before).toMatch(/<form method="get" action="[^"]+"[^>]*>[\s\S]*?name="confirmer" value="traite"/);
    const asking = await page("?confirmer=traite");
    expect(asking).toContain("Marquer ce dossier comme traité ?");
    expect(asking).toContain("La commune le signale à HubEE ; ce statut est définitif.");
    expect(asking).toMatch(/name="confirm" value="1"/);
    expect(asking).toMatch(new RegExp(`<a[^>]*href="${path}"[^>]*>Annuler</a>`));

    // A post without the confirmation (a stray or replayed form) closes nothing: the confirmation is shown.
    const stray = await act(familyId, { intent: "traiter" });
    expect(stray.status).toBe(400);
    expect(stray.data).toMatchObject({ ok: false, confirm: true });
    expect(await stored()).toBe("in_progress");
    expect(simulatorCase(caseId).status).toBe("IN_PROGRESS");
    const shown = await page("", stray.data);
    expect(shown).toMatch(/role="alert"[^>]*>\s*<h3 class="fr-alert__title">Marquer ce dossier comme traité \?/);

    // Confirmed, it closes, audited and reported to HubEE as before.
    expect(redirected(await act(familyId, { intent: "traiter", confirm: "1" }), familyId)).toBe(true);
    expect(await stored()).toBe("done");
    expect(simulatorCase(caseId).status).toBe("DONE");
    const audited = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, familyId));
    expect(audited.filter((e) => e.action === "family_file.status_changed")).toHaveLength(2);
    // A closed file asks nothing more, even with the confirmation's query.
    expect(await page("?confirmer=traite")).not.toContain("Marquer ce dossier comme traité ?");
  });

  it("leads back to the file after a success: the page shows the stored status and the message, once", async () => {
    const { familyId } = await receiveTransmission("REDIRIGE");
    const retour = "onglet=tous&q=redirige";
    const query = `?retour=${encodeURIComponent(retour)}`;
    const path = `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`;
    const params = { siret: ANGERS.siret, familyId };
    const taken = await callRoute(fileRoute, "action", {
      path: `${path}${query}&confirmer=traite`,
      params,
      cookie,
      form: { intent: "prendre" },
    });
    // Back to the file as it was opened from the inbox, without the confirmation's query.
    expect(redirected(taken, familyId, query)).toBe(true);
    const landed = await callRoute(fileRoute, "loader", {
      path: `${path}${query}`,
      params,
      cookie: withCookies(cookie, taken),
    });
    expect(landed.data).toMatchObject({
      flash: { level: "success", message: "Dossier pris en charge. HubEE en a été informé." },
      family: { status: "in_progress" },
      retour,
    });
    const html = await renderRoute(fileRoute.default, landed.data as object, `${path}${query}`);
    expect(html).toMatch(
      /<p class="fr-badge[^"]*">En cours<\/p>[\s\S]*Dossier pris en charge\. HubEE en a été informé\./,
    );
    // Shown once: the next page has no message left.
    const again = await callRoute(fileRoute, "loader", { path, params, cookie });
    expect(again.data).toMatchObject({ flash: null, family: { status: "in_progress" } });

    // A failure stays on the page, with its message, and leaves no flash.
    const unknown = await act(familyId, { intent: "inventer" });
    expect(unknown.status).toBe(400);
    expect(unknown.data).toMatchObject({ ok: false, message: "Action inconnue." });
    expect(unknown.cookies).toEqual([]);
  });

  it("refuses with a required message to the citizen, only once taken in charge", async () => {
    const { familyId, caseId } = await receiveTransmission("NOIRET");
    expect((await act(familyId, { intent: "refuser", message: "Pièce manquante" })).status).toBe(400);
    await act(familyId, { intent: "prendre" });
    const missing = await act(familyId, { intent: "refuser", message: "  " });
    expect(missing.status).toBe(400);
    expect(missing.data).toMatchObject({
      ok: false,
      message: "Indiquez au demandeur le motif du refus.",
      errors: { message: "Indiquez au demandeur le motif du refus." },
    });
    expect(
      redirected(await act(familyId, { intent: "refuser", message: "Votre commune n’est pas Angers." }), familyId),
    ).toBe(true);
    const kase = simulatorCase(caseId);
    expect(kase.status).toBe("REFUSED");
    expect(kase.events.at(-1)).toMatchObject({ caseNewStatus: "REFUSED", message: "Votre commune n’est pas Angers." });
  });

  it("ties every error about the refusal's reason to the field, and gives back what was typed", async () => {
    const { familyId } = await receiveTransmission("BLANC");
    const path = `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`;
    const page = async (actionData: unknown) => {
      const view = await callRoute(fileRoute, "loader", { path, params: { siret: ANGERS.siret, familyId }, cookie });
      return renderRoute(fileRoute.default, view.data as object, path, actionData as object);
    };
    const textarea = (html: string) => /<textarea[^>]*id="message"[^>]*>([^<]*)<\/textarea>/.exec(html);

    // Not about the reason (the file is not taken in charge yet): the field is not in error, the text stays.
    const early = await act(familyId, { intent: "refuser", message: "Pièce manquante" });
    expect(early.data).toMatchObject({ ok: false, reason: "Pièce manquante" });
    expect((early.data as { errors: Record<string, string> }).errors.message).toBeUndefined();

    await act(familyId, { intent: "prendre" });
    const tooLong = "Justificatif manquant. ".repeat(50);
    const refused = await act(familyId, { intent: "refuser", message: tooLong });
    expect(refused.status).toBe(400);
    expect(refused.data).toMatchObject({
      ok: false,
      message: expect.stringMatching(/trop long/),
      errors: { message: expect.stringMatching(/trop long/) },
    });
    const html = await page(refused.data);
    const [field, typed] = textarea(html) ?? [];
    expect(field).toContain('aria-invalid="true"');
    expect(field).toContain('aria-describedby="message-error"');
    expect(typed).toBe(tooLong);
    expect(html).toContain('class="fr-input-group fr-input-group--error"');
    expect(html).toMatch(/<p class="fr-message fr-message--error" id="message-error">Le message est trop long/);
    expect(html).toMatch(/role="alert"><p>Le message est trop long/);
  });

  it("titles the unreadable transmission's alert as an h2, right under the h1", async () => {
    const { familyId } = await receiveTransmission("BRUN");
    const path = `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`;
    const view = await callRoute(fileRoute, "loader", { path, params: { siret: ANGERS.siret, familyId }, cookie });
    const data = view.data as { family: object };
    const html = await renderRoute(
      fileRoute.default,
      { ...data, family: { ...data.family, ingestionError: "x" } },
      path,
    );
    expect(html).toContain('<h2 class="fr-alert__title">Télédossier illisible</h2>');
    expect([...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1])).slice(0, 2)).toEqual([1, 2]);
  });

  it("changes nothing locally when HubEE refuses the transition", async () => {
    const { familyId, caseId } = await receiveTransmission("MOREAU");
    // Someone moved the case in HubEE behind the portal's back: our SI_RECEIVED → IN_PROGRESS is now illegal there.
    await receiver().reportStatus(caseId, {
      caseCurrentStatus: "SI_RECEIVED",
      caseNewStatus: "SI_INTG_ERROR",
      author: "test",
      message: "x",
    });
    const result = await changeFamilyStatus(handle.db, {
      collectivity: { id: angersId, name: "Angers" },
      familyId,
      agentId: memberId,
      action: "prendre",
      receiver: async () => receiver(),
    });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/HubEE a refusé/) });
    const [family] = await handle.db.select().from(families).where(eq(families.id, familyId));
    expect(family!.status).toBe("received");
    const [stored] = await handle.db.select().from(receivedCases).where(eq(receivedCases.hubeeCaseId, caseId));
    expect(stored!.hubeeStatus).toBe("SI_RECEIVED");
  });

  it("is 404 for another commune's agent, and for a file of another commune under one's own", async () => {
    const { familyId, caseId } = await receiveTransmission("PETIT");
    expect((await act(familyId, { intent: "prendre" }, foreignCookie)).status).toBe(404);
    expect((await act(familyId, { intent: "prendre" }, foreignCookie, otherSiret)).status).toBe(404);
    expect(simulatorCase(caseId).status).toBe("SI_RECEIVED");
  });

  it("keeps a private note per file", async () => {
    const { familyId } = await receiveTransmission("ROUX");
    const saved = await act(familyId, { intent: "annoter", annotation: "Rappeler la famille lundi." });
    expect(redirected(saved, familyId)).toBe(true);
    const [note] = await handle.db.select().from(familyAnnotations).where(eq(familyAnnotations.familyId, familyId));
    expect(note!.body).toBe("Rappeler la famille lundi.");
    const path = `/portail/communes/${ANGERS.siret}/dossiers/${familyId}`;
    const shown = await callRoute(fileRoute, "loader", {
      path,
      params: { siret: ANGERS.siret, familyId },
      cookie: withCookies(cookie, saved),
    });
    expect(shown.data).toMatchObject({
      flash: { level: "success", message: "Note enregistrée." },
      annotation: { body: "Rappeler la famille lundi." },
    });
  });
});

describe("status reports to HubEE: durable first, then reported, never twice", () => {
  const angersRef = () => ({ id: angersId, name: "Angers" });
  const change = (
    familyId: string,
    action: "prendre" | "traiter" | "refuser",
    options: Partial<{ message: string; receiver: () => ReturnType<typeof receiver> }> = {},
  ) =>
    changeFamilyStatus(handle.db, {
      collectivity: angersRef(),
      familyId,
      agentId: memberId,
      action,
      message: options.message,
      receiver: async () => (options.receiver ?? receiver)(),
    });
  /** A worker run after the grace left to the agent's own request. */
  const workerRun = () =>
    ingestCommuneInbox(handle.db, receiver(), angersRef(), {
      now: () => new Date(Date.now() + STATUS_REPORT_GRACE_MS + 60_000),
    });
  const statusEvents = (caseId: string) =>
    simulatorCase(caseId)
      .events.filter((e) => e.actionType === "STATUS_UPDATE" && e.author !== "HubEE")
      .map((e) => `${e.caseCurrentStatus}→${e.caseNewStatus}`);
  const storedCase = async (caseId: string) =>
    (await handle.db.select().from(receivedCases).where(eq(receivedCases.hubeeCaseId, caseId)))[0]!;
  const familyStatus = async (familyId: string) =>
    (await handle.db.select({ status: families.status }).from(families).where(eq(families.id, familyId)))[0]!.status;

  afterEach(() => sims.modules.hubee.faults.api.clear());

  it("records the change while HubEE is down, keeps the refusal message, and the worker reports it later", async () => {
    const { familyId, caseId } = await receiveTransmission("HUBEEPANNE");
    sims.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [503] });

    const taken = await change(familyId, "prendre");
    expect(taken).toMatchObject({ ok: true, status: "in_progress", reported: false });
    expect(taken.ok && taken.notice).toMatch(/enregistré.*momentanément indisponible.*transmis automatiquement/);
    const refused = await change(familyId, "refuser", { message: "Justificatif de domicile manquant." });
    expect(refused).toMatchObject({ ok: true, status: "refused", reported: false });
    expect(await familyStatus(familyId)).toBe("refused");
    expect(await storedCase(caseId)).toMatchObject({ hubeeStatus: "REFUSED", statusReportedAt: null });
    expect(simulatorCase(caseId).status).toBe("SI_RECEIVED");

    // HubEE is back. A run within the grace left to agents' requests does not touch it yet.
    sims.modules.hubee.faults.api.clear();
    await ingestCommuneInbox(handle.db, receiver(), angersRef());
    expect(simulatorCase(caseId).status).toBe("SI_RECEIVED");

    await workerRun();
    expect(simulatorCase(caseId).status).toBe("REFUSED");
    expect(statusEvents(caseId)).toEqual(["SENT→SI_RECEIVED", "SI_RECEIVED→IN_PROGRESS", "IN_PROGRESS→REFUSED"]);
    expect(simulatorCase(caseId).events.at(-1)).toMatchObject({ message: "Justificatif de domicile manquant." });
    const stored = await storedCase(caseId);
    expect(stored.hubeeStatus).toBe("REFUSED");
    expect(stored.statusReportedAt).toBeInstanceOf(Date);
    const changes = await handle.db
      .select()
      .from(familyStatusChanges)
      .where(eq(familyStatusChanges.caseId, stored.id))
      .orderBy(asc(familyStatusChanges.createdAt));
    expect(changes.map((c) => [c.toStatus, Boolean(c.hubeeEventId)])).toEqual([
      ["IN_PROGRESS", true],
      ["REFUSED", true],
    ]);

    // Nothing is owed any more: another run sends nothing.
    await workerRun();
    expect(statusEvents(caseId)).toHaveLength(3);
  });

  it("keeps an owed report when HubEE delivers the case's notification again", async () => {
    const { familyId, caseId } = await receiveTransmission("REDELIVRE");
    sims.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [503] });
    expect(await change(familyId, "prendre")).toMatchObject({ ok: true, reported: false });
    sims.modules.hubee.faults.api.clear();
    const found = sims.modules.hubee.store.findCase(caseId)!;
    enqueueNotification(sims.modules.hubee.store, {
      recipient: found.kase.recipient,
      transmitter: found.folder.transmitter,
      processCode: found.folder.processCode,
      caseId,
      eventId: null,
    });
    // Within the grace: the reception is not reported again and the owed report stays owed.
    expect(await ingestCommuneInbox(handle.db, receiver(), angersRef())).toMatchObject({ alreadyStored: 1 });
    expect(await storedCase(caseId)).toMatchObject({ hubeeStatus: "IN_PROGRESS", statusReportedAt: null });
    await workerRun();
    expect(simulatorCase(caseId).status).toBe("IN_PROGRESS");
    expect(statusEvents(caseId)).toEqual(["SENT→SI_RECEIVED", "SI_RECEIVED→IN_PROGRESS"]);
  });

  it("does not post the event twice when HubEE took the event but failed the case status (5xx)", async () => {
    const { familyId, caseId } = await receiveTransmission("PATCHPANNE");
    // The event goes through; right after it, HubEE answers 503 on the case itself (the PATCH).
    const failingAfterEvent = () => {
      const real = receiver();
      return {
        ...real,
        postStatusEvent: async (...args: Parameters<typeof real.postStatusEvent>) => {
          const event = await real.postStatusEvent(...args);
          sims.modules.hubee.faults.api.add({
            route: "^/teledossiers/v1/cases/[^/]+$",
            errorRatio: 1,
            errorStatuses: [503],
          });
          return event;
        },
      };
    };
    const taken = await change(familyId, "prendre", { receiver: failingAfterEvent });
    expect(taken).toMatchObject({ ok: true, status: "in_progress", reported: false });
    expect(simulatorCase(caseId).status).toBe("IN_PROGRESS");
    expect((await storedCase(caseId)).statusReportedAt).toBeNull();

    // The agent carries on while HubEE is still failing: recorded, owed.
    expect(await change(familyId, "traiter")).toMatchObject({ ok: true, status: "done", reported: false });

    sims.modules.hubee.faults.api.clear();
    await workerRun();
    expect(simulatorCase(caseId).status).toBe("DONE");
    expect(statusEvents(caseId)).toEqual(["SENT→SI_RECEIVED", "SI_RECEIVED→IN_PROGRESS", "IN_PROGRESS→DONE"]);
    expect((await storedCase(caseId)).statusReportedAt).toBeInstanceOf(Date);
  });

  it("finishes, without repeating it, a change HubEE applied before the portal could record it", async () => {
    const { familyId, caseId } = await receiveTransmission("COMMITPERDU");
    // A previous attempt reached HubEE, then the process died: HubEE says IN_PROGRESS, the portal SI_RECEIVED.
    await receiver().postStatusEvent(caseId, {
      caseCurrentStatus: "SI_RECEIVED",
      caseNewStatus: "IN_PROGRESS",
      author: "Portail QF (Angers)",
      message: "Votre demande est en cours de traitement par la commune.",
    });
    expect(redirected(await act(familyId, { intent: "prendre" }), familyId)).toBe(true);
    expect(await familyStatus(familyId)).toBe("in_progress");
    expect(statusEvents(caseId)).toEqual(["SENT→SI_RECEIVED", "SI_RECEIVED→IN_PROGRESS"]);
    expect(await storedCase(caseId)).toMatchObject({ hubeeStatus: "IN_PROGRESS" });
    expect((await storedCase(caseId)).statusReportedAt).toBeInstanceOf(Date);
    // And the file goes on normally.
    expect(redirected(await act(familyId, { intent: "traiter", confirm: "1" }), familyId)).toBe(true);
    expect(simulatorCase(caseId).status).toBe("DONE");
  });

  it("moves the family's older, superseded cases too, through HubEE's allowed transitions", async () => {
    const first = await receiveTransmission("TROISFOIS");
    expect((await change(first.familyId, "prendre")).ok).toBe(true);
    // The family transmits twice more: its file is back in the inbox, the first case still IN_PROGRESS.
    const second = await receiveTransmission("TROISFOIS");
    const third = await receiveTransmission("TROISFOIS");
    expect(second.familyId).toBe(first.familyId);
    expect(third.familyId).toBe(first.familyId);
    expect(await familyStatus(first.familyId)).toBe("received");

    expect(await change(first.familyId, "prendre")).toMatchObject({ ok: true, reported: true });
    expect([first, second, third].map((c) => simulatorCase(c.caseId).status)).toEqual([
      "IN_PROGRESS",
      "IN_PROGRESS",
      "IN_PROGRESS",
    ]);
    expect(await change(first.familyId, "traiter")).toMatchObject({ ok: true, reported: true });
    for (const c of [first, second, third]) {
      expect(simulatorCase(c.caseId).status).toBe("DONE");
      expect(statusEvents(c.caseId)).toEqual(["SENT→SI_RECEIVED", "SI_RECEIVED→IN_PROGRESS", "IN_PROGRESS→DONE"]);
      expect(await storedCase(c.caseId)).toMatchObject({ hubeeStatus: "DONE" });
    }

    // A case the sender's side moved elsewhere is left as HubEE has it; the others still follow.
    const fourth = await receiveTransmission("TROISFOIS");
    const fifth = await receiveTransmission("TROISFOIS");
    await receiver().postStatusEvent(fourth.caseId, {
      caseCurrentStatus: "SI_RECEIVED",
      caseNewStatus: "SI_INTG_ERROR",
      author: "test",
      message: "x",
    });
    expect(await change(first.familyId, "prendre")).toMatchObject({ ok: true, reported: true });
    expect(simulatorCase(fourth.caseId).status).toBe("SI_INTG_ERROR");
    expect(simulatorCase(fifth.caseId).status).toBe("IN_PROGRESS");
  });
});

describe("attachments", () => {
  it("streams an attachment to the commune's agents, 404 to another commune", async () => {
    const { familyId } = await receiveTransmission("GARNIER");
    const [attachment] = await handle.db
      .select({ id: caseAttachments.id, fileName: caseAttachments.fileName, content: caseAttachments.content })
      .from(caseAttachments)
      .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
      .where(eq(receivedCases.familyId, familyId))
      .limit(1);
    const request = (who: string, siret = ANGERS.siret) =>
      new Request(`http://localhost/portail/communes/${siret}/dossiers/${familyId}/pieces-jointes/${attachment!.id}`, {
        headers: { Cookie: who },
      });
    const args = (who: string, siret = ANGERS.siret) => ({
      request: request(who, siret),
      params: { siret, familyId, attachmentId: attachment!.id },
      context: { cspNonce: "", requestId: "test" },
    });
    const response = (await attachmentRoute.loader(args(cookie) as never)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toContain(encodeURIComponent(attachment!.fileName));
    expect(Buffer.from(await response.arrayBuffer()).equals(attachment!.content)).toBe(true);

    const foreign = await attachmentRoute.loader(args(foreignCookie) as never).catch((e: unknown) => e as Response);
    expect((foreign as Response).status).toBe(404);
    const crossed = await attachmentRoute
      .loader(args(foreignCookie, otherSiret) as never)
      .catch((e: unknown) => e as Response);
    expect((crossed as Response).status).toBe(404);
  });
});

describe("inbox page", () => {
  it("lists the received files and reports 'Relever maintenant' in French", async () => {
    const list = await callRoute(inboxRoute, "loader", {
      path: `/portail/communes/${ANGERS.siret}/dossiers?onglet=tous&q=garnier`,
      params: { siret: ANGERS.siret },
      cookie,
    });
    expect((list.data as { rows: { name: string }[] }).rows.map((r) => r.name)).toEqual([
      expect.stringContaining("GARNIER"),
    ]);
    const poll = await callRoute(inboxRoute, "action", {
      path: `/portail/communes/${ANGERS.siret}/dossiers`,
      params: { siret: ANGERS.siret },
      cookie,
      form: { intent: "relever" },
    });
    // Post/Redirect/Get: back to the list, whose next load says what the poll found, once.
    expect(poll).toMatchObject({ status: 302, location: `/portail/communes/${ANGERS.siret}/dossiers` });
    const after = await callRoute(inboxRoute, "loader", {
      path: `/portail/communes/${ANGERS.siret}/dossiers`,
      params: { siret: ANGERS.siret },
      cookie: withCookies(cookie, poll),
    });
    expect(after.data).toMatchObject({ flash: { level: "success", message: "Aucun nouveau dossier." } });
  });

  it("announces an error as an alert, and names the date fields so that they read alone", async () => {
    const path = `/portail/communes/${ANGERS.siret}/dossiers`;
    const list = await callRoute(inboxRoute, "loader", { path, params: { siret: ANGERS.siret }, cookie });
    const failed = await callRoute(inboxRoute, "action", {
      path,
      params: { siret: ANGERS.siret },
      cookie,
      form: { intent: "autre" },
    });
    expect(failed.data).toEqual({ level: "error", message: "Action inconnue." });
    const html = await renderRoute(inboxRoute.default, list.data as object, path, failed.data as object);
    expect(html).toMatch(/role="alert"><p>Action inconnue\./);
    expect(html).toContain('<label class="fr-label" for="au">Reçus jusqu’au</label>');
  });
});
