import crypto from "node:crypto";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import cron from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  caseAttachments,
  dataRetentionSettings,
  families,
  familyAnnotations,
  familyExports,
  familyStatusChanges,
  qfCampaignItems,
  qfCampaigns,
  qfHistory,
  receivedCases,
  shipments,
  webhookEndpoints,
  webhookEventDeliveries,
  webhookEvents,
} from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { purgeCitizenData } from "../../app/citizen/retention.server.ts";
import { createAgentSession, readAgentSession } from "../../app/portal/access/agent-session.server.ts";
import { verifyAuditChain } from "../../app/audit/audit.server.ts";
import { purgeExpiredFamilyFiles } from "../../app/portal/family-files/family-retention.server.ts";
import {
  AGENT_SESSION_IDLE_MINUTES,
  AGENT_SESSION_MAX_HOURS,
  CITIZEN_HUBEE_IDS_RETENTION_DAYS,
  CITIZEN_PAYLOAD_RETENTION_DAYS,
  EXPORT_FILE_RETENTION_HOURS,
  FAMILY_FILE_RETENTION_DEFAULT_YEARS,
  formatYears,
  WEBHOOK_EVENT_RETENTION_DAYS,
} from "../../app/retention-periods.ts";
import * as personalDataPage from "../../app/routes/donnees-personnelles.tsx";
import { purgeWebhookEvents } from "../../app/webhooks/delivery.server.ts";
import { purgeExports, requestExport } from "../../app/portal/exports/exports.server.ts";
import { parseInboxQuery } from "../../app/portal/dossiers/dossier-list-query.server.ts";
import { getConfig } from "../../app/config.server.ts";
import * as retentionRoute from "../../app/routes/portail.communes.$siret.donnees.tsx";
import * as eraseRoute from "../../app/routes/portail.communes.$siret.dossiers.$familyId_.supprimer.tsx";
import * as fileRoute from "../../app/routes/portail.communes.$siret.dossiers.$familyId/route.tsx";
import { SCHEDULED_JOBS } from "../../jobs/schedules.ts";
import { addMember, callRoute, createAgent, createCommune, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderNested } from "../helpers/render-trail.tsx";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The portal's data lifecycle: expired family files purged per commune, a file erased on an
 * administrator's request with everything hanging off it, the retention setting, and the audit
 * trail that records both without personal data and still verifies.
 */

const NOW = new Date("2026-11-26T02:47:00Z");
const yearsAgo = (years: number, days = 0) => {
  const d = new Date(NOW);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return new Date(d.getTime() - days * 86_400_000);
};
const SURNAME = "ZORGLUB";
const MINUTE = 60_000;
const days = (n: number) => n * 86_400_000;
const before = (ms: number) => new Date(NOW.getTime() - ms);
const after = (ms: number) => new Date(NOW.getTime() + ms);

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  db = handle.db;
});
afterAll(async () => {
  await handle?.close();
});

let seq = 0;
/** A family file whose last transmission (and QF) is at `receivedAt`; more QF rows may follow. */
async function insertFamily(collectivityId: string, receivedAt: Date, laterQfAt: Date[] = []) {
  seq++;
  const [family] = await db
    .insert(families)
    .values({
      collectivityId,
      identityKey: crypto.createHash("sha256").update(`family-${seq}`).digest("hex"),
      familyName: `${SURNAME}${seq}`,
      givenNames: "Camille",
      gender: "female",
      birthdate: "1985-04-12",
      birthplace: "49007",
      birthcountry: "99100",
      qfValue: 700 + seq,
      qfAnnee: receivedAt.getUTCFullYear(),
      qfMois: 1,
      qfProvider: "CNAF",
      qfUpdatedAt: laterQfAt.at(-1) ?? receivedAt,
      members: {
        allocataires: [
          {
            nom_naissance: `${SURNAME}${seq}`,
            nom_usage: null,
            prenoms: "Camille",
            date_naissance: "1985-04-12",
            sexe: "F",
          },
        ],
        enfants: [],
      },
      searchText: `${SURNAME}${seq} camille`.toLowerCase(),
      status: "done",
      receivedAt,
      createdAt: receivedAt,
    })
    .returning();
  const familyId = family!.id;
  await db.insert(qfHistory).values([
    { familyId, value: 700, annee: 2020, mois: 1, provider: "CNAF", source: "transmission", recordedAt: receivedAt },
    ...laterQfAt.map((at) => ({
      familyId,
      value: 710,
      annee: at.getUTCFullYear(),
      mois: 1,
      provider: "CNAF" as const,
      source: "yearly_update" as const,
      recordedAt: at,
    })),
  ]);
  return familyId;
}

/** Everything that can hang off a file: case, attachments, status changes, note, campaign item, webhook event. */
async function attachEverything(collectivityId: string, familyId: string, agentId: string) {
  seq++;
  const [c] = await db
    .insert(receivedCases)
    .values({
      collectivityId,
      familyId,
      hubeeCaseId: crypto.randomUUID(),
      hubeeExternalId: `Formulaire-QF-${seq}`,
      applicantFirstName: "Camille",
      applicantLastName: SURNAME,
      hubeeStatus: "DONE",
    })
    .returning();
  await db.insert(caseAttachments).values(
    ["FormulaireQF.json", "FormulaireQF.pdf"].map((fileName) => ({
      caseId: c!.id,
      hubeeAttachmentId: crypto.randomUUID(),
      fileName,
      mimeType: "application/octet-stream",
      size: 4,
      sha256: "x",
      digestVerified: true,
      content: Buffer.from("data"),
    })),
  );
  await db.insert(familyStatusChanges).values([
    {
      collectivityId,
      familyId,
      caseId: c!.id,
      fromStatus: "SI_RECEIVED",
      toStatus: "IN_PROGRESS",
      message: "",
      agentId,
    },
    { collectivityId, familyId, caseId: c!.id, fromStatus: "IN_PROGRESS", toStatus: "DONE", message: "", agentId },
  ]);
  await db
    .insert(familyAnnotations)
    .values({ familyId, collectivityId, body: `Note sur ${SURNAME}`, updatedBy: agentId });
  const [campaign] = await db
    .insert(qfCampaigns)
    .values({ collectivityId, annee: 2026, mois: 1, scope: "selection", trigger: "agent", status: "done" })
    .returning();
  await db
    .insert(qfCampaignItems)
    .values({ campaignId: campaign!.id, familyId, status: "updated", oldValue: 700, newValue: 710 });
  const endpointId = crypto.randomUUID();
  await db.insert(webhookEndpoints).values({
    id: endpointId,
    collectivityId,
    url: "https://logiciel.example.fr/hook",
    events: ["dossier.recu"],
    secretEncrypted: "v1.x",
  });
  const eventId = crypto.randomUUID();
  await db.insert(webhookEvents).values({
    id: eventId,
    collectivityId,
    type: "dossier.recu",
    body: JSON.stringify({ id: eventId, type: "dossier.recu", data: { dossier_id: familyId, nom: SURNAME } }),
  });
  await db.insert(webhookEventDeliveries).values({ eventId, endpointId, collectivityId });
  return { caseId: c!.id, eventId };
}

async function rowsAbout(familyId: string) {
  const n = async (q: Promise<Array<{ n: number }>>) => Number((await q)[0]!.n);
  return {
    families: await n(db.select({ n: count() }).from(families).where(eq(families.id, familyId))),
    qfHistory: await n(db.select({ n: count() }).from(qfHistory).where(eq(qfHistory.familyId, familyId))),
    cases: await n(db.select({ n: count() }).from(receivedCases).where(eq(receivedCases.familyId, familyId))),
    attachments: await n(
      db
        .select({ n: count() })
        .from(caseAttachments)
        .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
        .where(eq(receivedCases.familyId, familyId)),
    ),
    statusChanges: await n(
      db.select({ n: count() }).from(familyStatusChanges).where(eq(familyStatusChanges.familyId, familyId)),
    ),
    annotations: await n(
      db.select({ n: count() }).from(familyAnnotations).where(eq(familyAnnotations.familyId, familyId)),
    ),
    campaignItems: await n(
      db.select({ n: count() }).from(qfCampaignItems).where(eq(qfCampaignItems.familyId, familyId)),
    ),
    webhookEvents: await n(
      db
        .select({ n: count() })
        .from(webhookEvents)
        .where(sql`${webhookEvents.body}::jsonb -> 'data' ->> 'dossier_id' = ${familyId}`),
    ),
  };
}

const auditOf = (collectivityId: string, action: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.collectivityId, collectivityId), eq(auditEvents.action, action)))
    .orderBy(auditEvents.id);

describe("purge of expired family files", () => {
  it("deletes only the files past each commune's period, audits counts, and leaves other communes alone", async () => {
    const byDefault = await createCommune(db, "Commune par défaut", 501);
    const oneYear = await createCommune(db, "Commune un an", 502);
    const sixYears = await createCommune(db, "Commune six ans", 503);
    await db.insert(dataRetentionSettings).values([
      { collectivityId: oneYear.id, familyFileRetentionYears: 1 },
      { collectivityId: sixYears.id, familyFileRetentionYears: 6 },
    ]);
    const agent = await createAgent(db, { email: "agent@purge.fr" });

    // Default (2 years): expired; recent transmission; old transmission but a yearly QF 6 months ago;
    // expired but still waiting in an open campaign.
    const expiredDefault = await insertFamily(byDefault.id, yearsAgo(2, 1));
    await attachEverything(byDefault.id, expiredDefault, agent.id);
    const justUnder = await insertFamily(byDefault.id, yearsAgo(2, -1));
    const refreshed = await insertFamily(byDefault.id, yearsAgo(4), [yearsAgo(0, 180)]);
    const inCampaign = await insertFamily(byDefault.id, yearsAgo(3));
    const [open] = await db
      .insert(qfCampaigns)
      .values({ collectivityId: byDefault.id, annee: 2026, mois: 11, scope: "all", trigger: "cron" })
      .returning();
    await db.insert(qfCampaignItems).values({ campaignId: open!.id, familyId: inCampaign, status: "pending" });

    // One year: 18 months old goes, 6 months stays.
    const expiredOneYear = await insertFamily(oneYear.id, yearsAgo(1, 180));
    const keptOneYear = await insertFamily(oneYear.id, yearsAgo(0, 180));
    // Six years: 5 years old stays (it would go anywhere else), 7 years goes.
    const keptSixYears = await insertFamily(sixYears.id, yearsAgo(5));
    const expiredSixYears = await insertFamily(sixYears.id, yearsAgo(7));

    const report = await purgeExpiredFamilyFiles(db, { now: NOW, batchSize: 2 });

    const remaining = (
      await db
        .select({ id: families.id })
        .from(families)
        .where(inArray(families.collectivityId, [byDefault.id, oneYear.id, sixYears.id]))
    ).map((r) => r.id);
    expect(remaining.sort()).toEqual([justUnder, refreshed, inCampaign, keptOneYear, keptSixYears].sort());
    for (const gone of [expiredDefault, expiredOneYear, expiredSixYears]) {
      expect(Object.values(await rowsAbout(gone)).every((n) => n === 0)).toBe(true);
    }
    expect(await rowsAbout(refreshed)).toMatchObject({ families: 1, qfHistory: 2 });

    expect(report.map((r) => [r.collectivityId, r.years, r.counts.families]).sort()).toEqual(
      [
        [byDefault.id, 2, 1],
        [oneYear.id, 1, 1],
        [sixYears.id, 6, 1],
      ].sort(),
    );

    const [entry] = await auditOf(byDefault.id, "family_files.purged");
    expect(entry).toMatchObject({
      actorAgentId: null,
      targetId: byDefault.id,
      details: {
        families: 1,
        qfHistory: 1,
        cases: 1,
        attachments: 2,
        statusChanges: 2,
        annotations: 1,
        campaignItems: 1,
        webhookEvents: 1,
        retentionYears: 2,
        defaultApplied: true,
      },
    });
    expect(await auditOf(oneYear.id, "family_files.purged")).toHaveLength(1);
    expect(JSON.stringify(await db.select().from(auditEvents))).not.toContain(SURNAME);

    // A second run finds nothing and writes nothing.
    expect(await purgeExpiredFamilyFiles(db, { now: NOW })).toEqual([]);
    expect(await auditOf(byDefault.id, "family_files.purged")).toHaveLength(1);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("is what the worker runs once a day, on the real clock, with each commune's period", async () => {
    const job = SCHEDULED_JOBS.find((j) => j.name === "purge-family-files");
    expect(job).toBeDefined();
    // The worker hands the expression to node-cron in Paris time: it must fire, and daily.
    expect(cron.validate(job!.cron)).toBe(true);
    const task = cron.createTask(job!.cron, () => {}, { timezone: "Europe/Paris" });
    const [next, after] = task.getNextRuns(2);
    await task.destroy();
    // 23 to 25 hours apart: a daylight saving change may fall between two nights.
    expect(after!.getTime() - next!.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect(after!.getTime() - next!.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
    // It purges and audits: one instance does it (the run coordinator), not each of them.
    expect(job!.coordinated).toBe(true);

    // Run as the worker runs it (no clock, no period given): the default period applies from today.
    const commune = await createCommune(db, "Commune de la tâche", 504);
    const today = new Date();
    const ago = (days: number) => {
      const d = new Date(today);
      d.setUTCFullYear(d.getUTCFullYear() - FAMILY_FILE_RETENTION_DEFAULT_YEARS);
      return new Date(d.getTime() - days * 86_400_000);
    };
    const expired = await insertFamily(commune.id, ago(1));
    const kept = await insertFamily(commune.id, ago(-1));
    await job!.run({ db, config: getConfig() });
    const remaining = await db
      .select({ id: families.id })
      .from(families)
      .where(eq(families.collectivityId, commune.id));
    expect(remaining.map((r) => r.id)).toEqual([kept]);
    expect(await rowsAbout(expired)).toMatchObject({ families: 0, qfHistory: 0 });
  });
});

describe("erasure of a family file on request", () => {
  let commune: { id: string; siret: string };
  let adminCookie: string;
  let agentCookie: string;
  let foreignAdminCookie: string;
  let adminId: string;

  beforeAll(async () => {
    commune = await createCommune(db, "Commune effacement", 601);
    const foreign = await createCommune(db, "Commune voisine", 602);
    const admin = await createAgent(db, { email: "admin@effacement.fr" });
    adminId = admin.id;
    await addMember(db, admin.id, commune.id, "admin");
    const agent = await createAgent(db, { email: "agent@effacement.fr" });
    await addMember(db, agent.id, commune.id, "agent");
    const foreignAdmin = await createAgent(db, { email: "admin@voisine.fr" });
    await addMember(db, foreignAdmin.id, foreign.id, "admin");
    adminCookie = await signIn(db, admin.id);
    agentCookie = await signIn(db, agent.id);
    foreignAdminCookie = await signIn(db, foreignAdmin.id);
  });

  const at = (familyId: string) => ({
    path: `/portail/communes/${commune.siret}/dossiers/${familyId}/supprimer`,
    params: { siret: commune.siret, familyId },
  });

  it("offers the link to administrators only", async () => {
    const familyId = await insertFamily(commune.id, yearsAgo(0, 10));
    const file = (cookie: string) =>
      callRoute(fileRoute, "loader", {
        path: `/portail/communes/${commune.siret}/dossiers/${familyId}`,
        params: { siret: commune.siret, familyId },
        cookie,
      });
    expect((await file(adminCookie)).data).toMatchObject({ canErase: true });
    expect((await file(agentCookie)).data).toMatchObject({ canErase: false });
  });

  it("refuses a plain agent (403) and another commune's administrator (404), and deletes nothing", async () => {
    const familyId = await insertFamily(commune.id, yearsAgo(0, 10));
    await attachEverything(commune.id, familyId, adminId);
    const before = await rowsAbout(familyId);
    for (const kind of ["loader", "action"] as const) {
      const form = { intent: "supprimer" };
      expect((await callRoute(eraseRoute, kind, { ...at(familyId), cookie: agentCookie, form })).status).toBe(403);
      expect((await callRoute(eraseRoute, kind, { ...at(familyId), cookie: foreignAdminCookie, form })).status).toBe(
        404,
      );
    }
    expect(await rowsAbout(familyId)).toEqual(before);
    expect(await auditOf(commune.id, "family_file.erased")).toEqual([]);
  });

  it("shows what will be deleted, then deletes every related row and audits ids and counts only", async () => {
    const familyId = await insertFamily(commune.id, yearsAgo(1), [yearsAgo(0, 30)]);
    const { eventId } = await attachEverything(commune.id, familyId, adminId);
    const neighbour = await insertFamily(commune.id, yearsAgo(1));
    await attachEverything(commune.id, neighbour, adminId);
    const neighbourBefore = await rowsAbout(neighbour);

    const page = await callRoute(eraseRoute, "loader", { ...at(familyId), cookie: adminCookie });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({
      family: { id: familyId },
      related: [
        "2 quotients familiaux de l’historique",
        "1 télédossier reçu par HubEE",
        "2 pièces jointes",
        "2 changements de statut",
        "la note interne des agents",
        "1 résultat de mise à jour annuelle",
        "1 notification (webhook) en attente d’envoi ou envoyée",
      ],
    });
    // Showing the page deletes nothing.
    expect((await rowsAbout(familyId)).families).toBe(1);

    // Without the confirmation button's intent, nothing happens.
    expect((await callRoute(eraseRoute, "action", { ...at(familyId), cookie: adminCookie })).status).toBe(400);
    expect((await rowsAbout(familyId)).families).toBe(1);

    const done = await callRoute(eraseRoute, "action", {
      ...at(familyId),
      cookie: adminCookie,
      form: { intent: "supprimer" },
    });
    expect(done.status).toBe(302);
    expect(done.location).toBe(`/portail/communes/${commune.siret}/donnees?dossier-supprime=1`);

    expect(await rowsAbout(familyId)).toEqual({
      families: 0,
      qfHistory: 0,
      cases: 0,
      attachments: 0,
      statusChanges: 0,
      annotations: 0,
      campaignItems: 0,
      webhookEvents: 0,
    });
    expect(await db.select().from(webhookEventDeliveries).where(eq(webhookEventDeliveries.eventId, eventId))).toEqual(
      [],
    );
    expect(await rowsAbout(neighbour)).toEqual(neighbourBefore);

    const entries = await auditOf(commune.id, "family_file.erased");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorAgentId: adminId,
      targetType: "family",
      targetId: familyId,
      details: {
        families: 1,
        qfHistory: 2,
        cases: 1,
        attachments: 2,
        statusChanges: 2,
        annotations: 1,
        campaignItems: 1,
        webhookEvents: 1,
      },
    });
    expect(JSON.stringify(entries)).not.toContain(SURNAME);

    // A second click: the file is gone.
    const again = await callRoute(eraseRoute, "action", {
      ...at(familyId),
      cookie: adminCookie,
      form: { intent: "supprimer" },
    });
    expect(again.status).toBe(404);
    expect(await auditOf(commune.id, "family_file.erased")).toHaveLength(1);

    const confirmation = await callRoute(retentionRoute, "loader", {
      path: `/portail/communes/${commune.siret}/donnees?dossier-supprime=1`,
      params: { siret: commune.siret },
      cookie: adminCookie,
    });
    expect(confirmation.data).toMatchObject({ justErased: true });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

describe("retention setting", () => {
  let commune: { id: string; siret: string };
  let adminCookie: string;
  let agentCookie: string;
  const path = () => `/portail/communes/${commune.siret}/donnees`;
  const post = (cookie: string, value: string) =>
    callRoute(retentionRoute, "action", {
      path: path(),
      params: { siret: commune.siret },
      cookie,
      form: { familyFileRetentionYears: value },
    });

  beforeAll(async () => {
    commune = await createCommune(db, "Commune réglages", 701);
    const admin = await createAgent(db, { email: "admin@reglages.fr" });
    await addMember(db, admin.id, commune.id, "admin");
    const agent = await createAgent(db, { email: "agent@reglages.fr" });
    await addMember(db, agent.id, commune.id, "agent");
    adminCookie = await signIn(db, admin.id);
    agentCookie = await signIn(db, agent.id);
  });

  it("shows the default until the administrator chooses", async () => {
    await insertFamily(commune.id, yearsAgo(3));
    const page = await callRoute(retentionRoute, "loader", {
      path: path(),
      params: { siret: commune.siret },
      cookie: adminCookie,
    });
    expect(page.data).toMatchObject({ setting: { years: 2, chosen: false }, expiredNow: 1, justErased: false });
  });

  it.each([
    ["", "Saisissez une durée en années, entre 1 et 6."],
    ["2,5", "Saisissez un nombre entier d’années, sans virgule, entre 1 et 6."],
    ["0", "La durée de conservation doit être comprise entre 1 et 6 ans."],
    ["7", "La durée de conservation doit être comprise entre 1 et 6 ans."],
  ])("refuses %j with a message tied to the field, keeping what was typed", async (value, error) => {
    const answer = await post(adminCookie, value);
    expect(answer.status).toBe(400);
    expect(answer.data).toEqual({ ok: false, error, value });
    // On the page: announced in an alert, and under the field, which it describes.
    const page = await callRoute(retentionRoute, "loader", {
      path: path(),
      params: { siret: commune.siret },
      cookie: adminCookie,
    });
    const html = await renderRoute(retentionRoute.default, page.data as object, path(), answer.data as object);
    expect(html).toContain(`role="alert"><p>La durée n’a pas été enregistrée. ${error}</p>`);
    const input = /<input[^>]*name="familyFileRetentionYears"[^>]*>/.exec(html)?.[0] ?? "";
    expect(input).toContain('aria-describedby="familyFileRetentionYears-error"');
    expect(input).toContain(`value="${value}"`);
    expect(
      await db.select().from(dataRetentionSettings).where(eq(dataRetentionSettings.collectivityId, commune.id)),
    ).toEqual([]);
  });

  it("is for administrators only", async () => {
    expect((await post(agentCookie, "3")).status).toBe(403);
    expect(
      (
        await callRoute(retentionRoute, "loader", {
          path: path(),
          params: { siret: commune.siret },
          cookie: agentCookie,
        })
      ).status,
    ).toBe(403);
  });

  it("saves a valid period with an audit entry, and the purge applies it", async () => {
    const answer = await post(adminCookie, "4");
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(path());
    const shown = async (answered: typeof answer) =>
      (
        await callRoute(retentionRoute, "loader", {
          path: path(),
          params: { siret: commune.siret },
          cookie: withCookies(adminCookie, answered),
        })
      ).data;
    expect(await shown(answer)).toMatchObject({
      flash: { level: "success", message: "Durée de conservation enregistrée : 4 ans." },
    });
    const entries = await auditOf(commune.id, "data_retention.updated");
    expect(entries).toHaveLength(1);
    expect(entries[0]!.details).toEqual({ field: "family_file_retention_years", from: 2, to: 4 });

    // Same value again: saved, nothing new to audit.
    expect(await shown(await post(adminCookie, "4"))).toMatchObject({
      flash: { level: "success", message: "La durée de conservation reste de 4 ans." },
    });
    expect(await auditOf(commune.id, "data_retention.updated")).toHaveLength(1);

    // The 3-year-old file expired under the default, not under 4 years.
    expect((await purgeExpiredFamilyFiles(db, { now: NOW })).filter((p) => p.collectivityId === commune.id)).toEqual(
      [],
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

describe("retention periods stated on the personal data page", () => {
  // Each period is read from app/retention-periods.ts (what the page states) and checked against
  // what the code does one minute either side of it.
  it("are the ones the citizen data purge applies", async () => {
    const commune = await createCommune(db, "Commune des envois", 801);
    const shipment = async (values: Partial<typeof shipments.$inferInsert>) => {
      const [row] = await db
        .insert(shipments)
        .values({
          reference: crypto.randomBytes(7).toString("hex").slice(0, 13).toUpperCase(),
          idempotencyKey: crypto.randomUUID(),
          collectivityId: commune.id,
          ...values,
        })
        .returning({ id: shipments.id });
      return row!.id;
    };
    const payloadDays = days(CITIZEN_PAYLOAD_RETENTION_DAYS);
    const idsDays = days(CITIZEN_HUBEE_IDS_RETENTION_DAYS);
    const payloadKept = await shipment({ payloadEncrypted: "v1.x", createdAt: before(payloadDays - MINUTE) });
    const payloadErased = await shipment({ payloadEncrypted: "v1.x", createdAt: before(payloadDays + MINUTE) });
    const closed = { status: "delivered" as const, hubeeFolderId: "dossier", hubeeCaseId: "teledossier" };
    const idsKept = await shipment({ ...closed, finalStatusAt: before(idsDays - MINUTE) });
    const idsErased = await shipment({ ...closed, finalStatusAt: before(idsDays + MINUTE) });

    await purgeCitizenData(db, NOW);

    const rows = await db
      .select({ id: shipments.id, payload: shipments.payloadEncrypted, folder: shipments.hubeeFolderId })
      .from(shipments)
      .where(eq(shipments.collectivityId, commune.id));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(payloadKept)?.payload).toBe("v1.x");
    expect(byId.get(payloadErased)?.payload).toBeNull();
    expect(byId.get(idsKept)?.folder).toBe("dossier");
    expect(byId.get(idsErased)?.folder).toBeNull();
  });

  it("are the ones agents' sessions end after", async () => {
    const agent = await createAgent(db, { email: "agent@sessions.fr" });
    const session = async () => {
      const { setCookie } = await createAgentSession(db, agent.id, { now: NOW });
      return new Request("http://localhost/portail", { headers: { Cookie: setCookie.split(";")[0]! } });
    };
    const idle = AGENT_SESSION_IDLE_MINUTES * MINUTE;
    expect(await readAgentSession(db, await session(), after(idle - MINUTE))).not.toBeNull();
    expect(await readAgentSession(db, await session(), after(idle + MINUTE))).toBeNull();

    // Active all along (a page every 20 minutes), it still ends AGENT_SESSION_MAX_HOURS after login.
    const busy = await session();
    const max = AGENT_SESSION_MAX_HOURS * 3_600_000;
    for (let at = 20 * MINUTE; at < max; at += 20 * MINUTE) {
      expect(await readAgentSession(db, busy, after(at))).not.toBeNull();
    }
    expect(await readAgentSession(db, busy, after(max - MINUTE))).not.toBeNull();
    expect(await readAgentSession(db, busy, after(max + MINUTE))).toBeNull();
  });

  it("are the ones webhook events and export files are purged after", async () => {
    const commune = await createCommune(db, "Commune des fichiers", 802);
    const event = async (createdAt: Date) => {
      const id = crypto.randomUUID();
      await db
        .insert(webhookEvents)
        .values({ id, collectivityId: commune.id, type: "dossier.recu", body: "{}", createdAt });
      return id;
    };
    const eventKept = await event(before(days(WEBHOOK_EVENT_RETENTION_DAYS) - MINUTE));
    const eventPurged = await event(before(days(WEBHOOK_EVENT_RETENTION_DAYS) + MINUTE));
    await purgeWebhookEvents(db, NOW);
    const events = await db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, [eventKept, eventPurged]));
    expect(events.map((e) => e.id)).toEqual([eventKept]);

    const agent = await createAgent(db, { email: "agent@fichiers.fr" });
    const queued = await requestExport(db, {
      collectivity: { id: commune.id, name: "Commune des fichiers" },
      agentId: agent.id,
      query: parseInboxQuery(new URLSearchParams("onglet=tous")),
      format: "csv",
      // Every export in the background, where its file is kept.
      threshold: -1,
      now: NOW,
    });
    if (queued.mode !== "background") throw new Error("export attendu en arrière-plan");
    const exportLeft = async () =>
      (await db.select({ id: familyExports.id }).from(familyExports).where(eq(familyExports.id, queued.exportId)))
        .length;
    const hours = EXPORT_FILE_RETENTION_HOURS * 3_600_000;
    await purgeExports(db, after(hours - MINUTE));
    expect(await exportLeft()).toBe(1);
    await purgeExports(db, after(hours + MINUTE));
    expect(await exportLeft()).toBe(0);
  });

  it("are all on the page, for every kind of data", async () => {
    const html = await renderNested(
      [{ path: "/donnees-personnelles", handle: personalDataPage.handle, Component: personalDataPage.default }],
      "/donnees-personnelles",
    );
    for (const stated of [
      `<strong>${CITIZEN_PAYLOAD_RETENTION_DAYS} jours au plus</strong>`,
      `<strong>${CITIZEN_HUBEE_IDS_RETENTION_DAYS} jours</strong>`,
      `<strong>${formatYears(FAMILY_FILE_RETENTION_DEFAULT_YEARS)}</strong>`,
      `<strong>${WEBHOOK_EVENT_RETENTION_DAYS} jours</strong>`,
      `<strong>${EXPORT_FILE_RETENTION_HOURS} heures</strong>`,
      `<strong>${AGENT_SESSION_IDLE_MINUTES} minutes</strong>`,
      `<strong>${AGENT_SESSION_MAX_HOURS} heures</strong>`,
      "entre 1 an et 6 ans",
    ]) {
      expect(html).toContain(stated);
    }
    expect(html).toContain("Le journal des actions");
  });
});
