import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  mailOutbox,
  families,
  apiParticulierRateLimits,
  hubeeInboxPolls,
  qfCampaignAlerts,
  qfCampaignItems,
  qfCampaigns,
  receivedCases,
  shipments,
  tariffBrackets,
  type FamilyFileStatus,
} from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { recordAudit } from "../../app/audit/audit.server.ts";
import { lookupAuditOutcome, type LookupOutcome } from "../../app/portal/qf-lookup/lookup.server.ts";
import { defaultBrackets } from "../../app/portal/dashboards/commune-statistics.server.ts";
import { bracketFor, type TariffBracket } from "../../app/portal/settings/tariff-brackets.ts";
import * as statisticsRoute from "../../app/routes/portail.communes.$siret.statistiques.tsx";
import * as dashboardRoute from "../../app/routes/portail.administration.tableau-de-bord/route.tsx";
import { addMember, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The dashboards against a seeded dataset: every number the loaders return is checked against
 * what was inserted, the operator view is checked for the absence of personal data, and access
 * is checked for both pages (tenant isolation of every portal route is its own test).
 */

const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);

/** Seeded families: names chosen to be found nowhere else in the page if they leaked. */
const FAMILIES_A: Array<{ name: string; given: string; qf: number | null; status: FamilyFileStatus }> = [
  { name: "MARCHETTI", given: "Ysolde", qf: 120, status: "received" },
  { name: "OYELARAN", given: "Tiphaine", qf: 500, status: "in_progress" },
  { name: "VASSEUR-KLEIN", given: "Aurèle", qf: 501, status: "done" },
  { name: "ZANETTI", given: "Philomène", qf: 999, status: "done" },
  { name: "BELLAMY-ROUX", given: "Gontran", qf: 1500, status: "refused" },
  { name: "FOURNIER-ABADIE", given: "Clémentine", qf: null, status: "received" },
  { name: "DELACROIX-OPERA", given: "Mathurin", qf: null, status: "error" },
];
const FAMILIES_B = [
  { name: "KERGUELEN", given: "Anatole", qf: 0, status: "done" as const },
  { name: "LEPRINCE-RINGUET", given: "Odilon", qf: 249, status: "done" as const },
  { name: "ABERNATHY", given: "Sixtine", qf: 250, status: "received" as const },
  { name: "QUINTARD", given: "Barnabé", qf: 2600, status: "received" as const },
  { name: "DUBOSCQ", given: "Eulalie", qf: 4270, status: "in_progress" as const },
];
const ALL_NAMES = [...FAMILIES_A, ...FAMILIES_B].flatMap((f) => [f.name, f.given]);
const RAW_ERROR_DETAIL = "Dossier de MARCHETTI Ysolde refusé";

let handle: DatabaseHandle;
let siretA: string;
let siretB: string;
let cookies: { adminA: string; agentA: string; adminB: string; platform: string };
let bracketsA: TariffBracket[];
let familyIdsA: string[];
const expectedReferences: string[] = [];

const parisMonth = (date: Date) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit" }).format(date);

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  const db = handle.db;
  const communeA = await createCommune(db, "Ville-Statistiques", 301);
  const communeB = await createCommune(db, "Bourg-Sans-Tranches", 302);
  const idle = await createCommune(db, "Hameau-Inactif", 303);
  await db.execute(sql`update collectivities set status = 'inactive', editor = 'Logiciel X' where id = ${idle.id}`);
  siretA = communeA.siret;
  siretB = communeB.siret;

  const adminA = await createAgent(db, { email: "admin@a.fr" });
  await addMember(db, adminA.id, communeA.id, "admin");
  const agentA = await createAgent(db, { email: "agent@a.fr" });
  await addMember(db, agentA.id, communeA.id, "agent");
  const adminB = await createAgent(db, { email: "admin@b.fr" });
  await addMember(db, adminB.id, communeB.id, "admin");
  const platform = await createAgent(db, { email: "ops@plateforme.fr", platformAdmin: true });
  cookies = {
    adminA: await signIn(db, adminA.id),
    agentA: await signIn(db, agentA.id),
    adminB: await signIn(db, adminB.id),
    platform: await signIn(db, platform.id),
  };

  bracketsA = [
    { label: "Tranche A", min: 0, max: 500 },
    { label: "Tranche B", min: 501, max: 1000 },
    { label: "Tranche C", min: 1001, max: null },
  ];
  await db.insert(tariffBrackets).values(
    bracketsA.map((b, i) => ({
      collectivityId: communeA.id,
      position: i + 1,
      label: b.label,
      minValue: b.min,
      maxValue: b.max,
    })),
  );

  const insertFamilies = async (collectivityId: string, rows: typeof FAMILIES_A) =>
    (
      await db
        .insert(families)
        .values(
          rows.map((f) => ({
            collectivityId,
            identityKey: f.status === "error" ? null : crypto.randomBytes(32).toString("hex"),
            familyName: f.name,
            givenNames: f.given,
            qfValue: f.qf,
            qfProvider: f.qf === null ? null : ("CNAF" as const),
            status: f.status,
            searchText: f.name.toLowerCase(),
          })),
        )
        .returning({ id: families.id })
    ).map((row) => row.id);
  familyIdsA = await insertFamilies(communeA.id, FAMILIES_A);
  const familyIdsB = await insertFamilies(communeB.id, FAMILIES_B);

  // Transmissions received: this month twice, ~40 days ago, ~330 days ago, and 400 days ago (out of range).
  const caseAt = (collectivityId: string, familyId: string, receivedAt: Date, hubeeStatus = "SI_RECEIVED") => ({
    collectivityId,
    familyId,
    hubeeCaseId: crypto.randomUUID(),
    hubeeExternalId: "Formulaire-QF-0A1B2C3D4E5F6",
    hubeeStatus,
    receivedAt,
  });
  await db
    .insert(receivedCases)
    .values([
      caseAt(communeA.id, familyIdsA[0]!, now),
      caseAt(communeA.id, familyIdsA[1]!, now),
      caseAt(communeA.id, familyIdsA[2]!, ago(40)),
      caseAt(communeA.id, familyIdsA[3]!, ago(330)),
      caseAt(communeA.id, familyIdsA[4]!, ago(400)),
      caseAt(communeB.id, familyIdsB[0]!, now),
      caseAt(communeB.id, familyIdsB[1]!, ago(2), "SI_INTG_ERROR"),
    ]);

  // Campaigns: A has an old finished one and a running one (live counts); B a finished one.
  const [oldA] = await db
    .insert(qfCampaigns)
    .values({
      collectivityId: communeA.id,
      annee: 2025,
      mois: 1,
      scope: "all",
      status: "done",
      trigger: "cron",
      totalCount: 9,
      counts: { updated: 9 },
      createdAt: ago(300),
    })
    .returning();
  const [runningA] = await db
    .insert(qfCampaigns)
    .values({
      collectivityId: communeA.id,
      annee: 2026,
      mois: 1,
      scope: "all",
      status: "running",
      trigger: "agent",
      totalCount: 5,
      startedAt: ago(1),
      createdAt: ago(1),
    })
    .returning();
  await db.insert(qfCampaigns).values({
    collectivityId: communeB.id,
    annee: 2026,
    mois: 1,
    scope: "all",
    status: "done",
    trigger: "cron",
    totalCount: 4,
    counts: { updated: 2, unchanged: 1, failed: 1 },
    createdAt: ago(5),
    finishedAt: ago(4),
  });
  const item = (familyId: string, status: (typeof qfCampaignItems.$inferInsert)["status"], extra = {}) => ({
    campaignId: runningA!.id,
    familyId,
    status,
    lastCallAt: ago(1),
    ...extra,
  });
  await db
    .insert(qfCampaignItems)
    .values([
      item(familyIdsA[0]!, "updated", { attempts: 1 }),
      item(familyIdsA[1]!, "not_found", { attempts: 1, errorCode: "404" }),
      item(familyIdsA[2]!, "failed", { attempts: 4, transientFailures: 3, errorCode: "timeout" }),
      item(familyIdsA[3]!, "pending", { attempts: 2, rateLimitedCount: 2, errorCode: "429" }),
      item(familyIdsA[4]!, "pending", { attempts: 0, lastCallAt: null }),
    ]);
  // An item of the old campaign called long ago: outside the 30 days.
  await db.insert(qfCampaignItems).values({
    campaignId: oldA!.id,
    familyId: familyIdsA[0]!,
    status: "failed",
    attempts: 3,
    errorCode: "502",
    lastCallAt: ago(300),
  });
  // B: an older campaign stopped on a refused token, with a 422, a 401 and an unreadable answer.
  const [stoppedB] = await db
    .insert(qfCampaigns)
    .values({
      collectivityId: communeB.id,
      annee: 2025,
      mois: 12,
      scope: "all",
      status: "stopped",
      stopReason: "token_unauthorized",
      trigger: "agent",
      totalCount: 3,
      createdAt: ago(20),
      finishedAt: ago(15),
    })
    .returning();
  await db.insert(qfCampaignItems).values([
    {
      campaignId: stoppedB!.id,
      familyId: familyIdsB[0]!,
      status: "rejected",
      attempts: 1,
      errorCode: "422",
      lastCallAt: ago(15),
    },
    {
      campaignId: stoppedB!.id,
      familyId: familyIdsB[2]!,
      status: "pending",
      attempts: 1,
      errorCode: "401",
      lastCallAt: ago(15),
    },
    {
      campaignId: stoppedB!.id,
      familyId: familyIdsB[3]!,
      status: "failed",
      attempts: 1,
      errorCode: "invalid_response_200",
      lastCallAt: ago(15),
    },
  ]);
  await db
    .insert(qfCampaignAlerts)
    .values({ collectivityId: communeB.id, kind: "token_unauthorized", httpStatus: 401 });

  // Manual lookups, audited as the lookup page does (outcome only), plus entries written before
  // "called" was recorded, and one too old for the period.
  const lookup = (collectivityId: string, details: Record<string, unknown>) =>
    recordAudit(db, {
      actor: agentA.id,
      collectivityId,
      action: "qf_lookup.performed",
      targetType: "collectivity",
      targetId: collectivityId,
      details: { ...details, birthplace: "commune_code" },
    });
  const outcomes: Array<[string, LookupOutcome]> = [
    [communeA.id, { kind: "ok", data: { quotient_familial: { valeur: 1 } } as never }],
    [communeA.id, { kind: "not_found", code: "37003" }],
    [communeA.id, { kind: "provider_unavailable", status: 504, code: null, retryInMs: null }],
    [communeA.id, { kind: "token_rate_limited", retryAfterSeconds: 3, called: false }],
    [communeA.id, { kind: "token_rate_limited", retryAfterSeconds: 3, called: true }],
    [communeB.id, { kind: "unauthorized", status: 401, code: null }],
    [communeB.id, { kind: "agent_rate_limited", retryAfterSeconds: 60 }],
    [communeB.id, { kind: "token_missing" }],
  ];
  for (const [collectivityId, outcome] of outcomes) await lookup(collectivityId, { ...lookupAuditOutcome(outcome) });
  await lookup(communeB.id, { outcome: "invalid_request", httpStatus: 422, code: null });
  await lookup(communeB.id, { outcome: "ok", found: true });
  const old = await lookup(communeA.id, { ...lookupAuditOutcome({ kind: "invalid_response", status: 500 }) });
  await db.execute(
    sql`update audit_events set occurred_at = ${ago(40).toISOString()}::timestamptz where id = ${old.id}`,
  );

  // Outbox: delivered, failed for good, retrying, fresh, and one too old for the daily chart.
  let seq = 0;
  const shipment = (collectivityId: string, fields: Partial<typeof shipments.$inferInsert>) => {
    seq += 1;
    const reference = `ABCDEF${String(seq).padStart(7, "0")}`;
    return { reference, idempotencyKey: `key-${seq}`, collectivityId, ...fields };
  };
  const rows = [
    shipment(communeA.id, { status: "delivered", attempts: 1, createdAt: now }),
    shipment(communeA.id, { status: "delivered", attempts: 3, createdAt: ago(3) }),
    shipment(communeA.id, {
      status: "failed",
      attempts: 1,
      lastError: `HubEE a refusé POST /folders (HTTP 403) : ${RAW_ERROR_DETAIL}`,
      createdAt: ago(3),
      failedAt: ago(3),
    }),
    shipment(communeB.id, {
      status: "failed",
      attempts: 60,
      lastError: "HubEE a refusé POST /folders (HTTP 403) : Forbidden",
      createdAt: ago(10),
      failedAt: ago(8),
    }),
    shipment(communeB.id, {
      status: "failed",
      attempts: 1,
      lastError: "Error: Contenu de la transmission absent (purgé)",
      createdAt: ago(1),
      failedAt: ago(1),
    }),
    shipment(communeB.id, {
      status: "pending",
      attempts: 2,
      lastError: "HubEE injoignable (POST /folders)",
      nextAttemptAt: new Date(now.getTime() + 60_000),
      createdAt: now,
    }),
    shipment(communeA.id, { status: "pending", attempts: 0, createdAt: now }),
    shipment(communeA.id, { status: "delivered", attempts: 1, createdAt: ago(45) }),
  ];
  await db.insert(shipments).values(rows);
  expectedReferences.push(rows[2]!.reference, rows[3]!.reference, rows[4]!.reference, rows[5]!.reference);

  // The token pacer's rows: one token got two 429s and is paused now, another never got any.
  await db.insert(apiParticulierRateLimits).values([
    {
      tokenHash: "a".repeat(64),
      rateLimitedTotal: 2,
      lastRateLimitedAt: ago(2),
      pausedUntil: new Date(now.getTime() + 60_000),
    },
    { tokenHash: "b".repeat(64) },
  ]);
  await db.insert(hubeeInboxPolls).values([
    { collectivityId: communeA.id, lastStartedAt: ago(0.01), lastFinishedAt: ago(0.01) },
    { collectivityId: communeB.id, lastStartedAt: ago(0.01), lastError: "Identifiants HubEE refusés (HTTP 401)" },
  ]);
});

afterAll(async () => {
  await handle?.close();
});

const commune = (siret: string, cookie: string) =>
  callRoute(statisticsRoute, "loader", {
    path: `/portail/communes/${siret}/statistiques`,
    params: { siret },
    cookie,
  });
const platform = (cookie: string) =>
  callRoute(dashboardRoute, "loader", { path: "/portail/administration/tableau-de-bord", cookie });

type CommuneData = Awaited<ReturnType<typeof statisticsRoute.loader>>;
type PlatformData = Awaited<ReturnType<typeof dashboardRoute.loader>>;

describe("commune statistics", () => {
  it("counts families per bracket of the commune, as bracketFor files them", async () => {
    const answer = await commune(siretA, cookies.agentA);
    expect(answer.status).toBe(200);
    const data = answer.data as CommuneData;
    expect(data.brackets.defaultRanges).toBe(false);
    const expected = bracketsA.map(
      (bracket) => FAMILIES_A.filter((f) => bracketFor(f.qf, bracketsA)?.label === bracket.label).length,
    );
    expect(expected).toEqual([2, 2, 1]);
    expect(data.brackets.rows.map((row) => [row.label, row.families])).toEqual(
      bracketsA.map((bracket, i) => [bracket.label, expected[i]]),
    );
    expect(data.brackets.withoutQf).toBe(2);
  });

  it("falls back to ranges of 250 when the commune defined none, and says so", async () => {
    const data = (await commune(siretB, cookies.adminB)).data as CommuneData;
    expect(data.brackets.defaultRanges).toBe(true);
    const ranges = defaultBrackets();
    expect(data.brackets.rows.map((row) => [row.min, row.max])).toEqual(ranges.map((r) => [r.min, r.max]));
    expect(ranges[1]).toMatchObject({ min: 250, max: 499 });
    expect(data.brackets.rows.map((row) => row.families)).toEqual(
      ranges.map((range) => FAMILIES_B.filter((f) => bracketFor(f.qf, ranges) === range).length),
    );
    expect(data.brackets.rows[0]!.families).toBe(2);
    expect(data.brackets.rows.at(-1)!.families).toBe(2);
    const html = await renderRoute(statisticsRoute.default, data);
    expect(html).toContain("tranches de 250");
  });

  it("counts the transmissions received per month over the last 12 months", async () => {
    const data = (await commune(siretA, cookies.adminA)).data as CommuneData;
    expect(data.monthly).toHaveLength(12);
    expect(data.monthly.at(-1)!.key).toBe(parisMonth(now));
    const expected = new Map<string, number>();
    for (const date of [now, now, ago(40), ago(330)]) {
      expected.set(parisMonth(date), (expected.get(parisMonth(date)) ?? 0) + 1);
    }
    for (const month of data.monthly)
      expect([month.key, month.count]).toEqual([month.key, expected.get(month.key) ?? 0]);
    expect(data.monthly.reduce((sum, m) => sum + m.count, 0)).toBe(4);
  });

  it("breaks files down by status and shows the last campaign with live counts", async () => {
    const data = (await commune(siretA, cookies.adminA)).data as CommuneData;
    expect(Object.fromEntries(data.statuses.map((s) => [s.status, s.count]))).toEqual({
      received: 2,
      in_progress: 1,
      done: 2,
      refused: 1,
      error: 1,
    });
    expect(data.lastCampaign).toMatchObject({ annee: 2026, mois: 1, status: "running", totalCount: 5 });
    expect(data.lastCampaign!.counts).toEqual({
      pending: 2,
      in_progress: 0,
      updated: 1,
      unchanged: 0,
      not_found: 1,
      rejected: 0,
      failed: 1,
    });
    const b = (await commune(siretB, cookies.adminB)).data as CommuneData;
    expect(b.lastCampaign!.counts).toMatchObject({ updated: 2, unchanged: 1, failed: 1, pending: 0 });
  });

  it("renders each chart as an SVG image with its title, description and data table", async () => {
    const data = (await commune(siretA, cookies.adminA)).data as CommuneData;
    const html = await renderRoute(statisticsRoute.default, data);
    const svgs = [...html.matchAll(/<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+) ([^"]+)"/g)];
    expect(svgs.length).toBe(4);
    for (const [, titleId, descId] of svgs) {
      expect(html).toContain(`<title id="${titleId}">`);
      expect(html).toContain(`<desc id="${descId}">`);
    }
    // French number formatting separates thousands with a narrow no-break space.
    expect(html.replace(/\u202f/g, " ")).toContain(
      '<desc id="tranches-description">Tranche A (0 – 500) : 2 ; Tranche B (501 – 1 000) : 2 ; Tranche C (1 001 et plus) : 1. Total : 5.</desc>',
    );
    expect(html.match(/<details/g)?.length).toBe(4);
  });

  it("is not served to another commune's agent", async () => {
    expect((await commune(siretA, cookies.adminB)).status).toBe(404);
  });
});

describe("platform operator dashboard", () => {
  let data: PlatformData;
  beforeAll(async () => {
    const answer = await platform(cookies.platform);
    expect(answer.status).toBe(200);
    data = answer.data as PlatformData;
  });

  it("is refused to commune agents and administrators", async () => {
    for (const cookie of [cookies.adminA, cookies.agentA, cookies.adminB])
      expect((await platform(cookie)).status).toBe(403);
  });

  it("counts communes and transmissions per day", () => {
    expect(data.communes).toEqual({ active: 2, inactive: 1, withEditor: 1, transmittingRecently: 2 });
    expect(data.transmissionsPerDay).toHaveLength(30);
    const sum = (key: "total" | "delivered" | "pending" | "failed") =>
      data.transmissionsPerDay.reduce((total, day) => total + day[key], 0);
    // The shipment created 45 days ago is outside the chart.
    expect([sum("total"), sum("delivered"), sum("pending"), sum("failed")]).toEqual([7, 2, 2, 3]);
    expect(data.transmissionsPerDay.at(-1)!.total).toBe(3);
  });

  it("groups failed and retrying shipments by error code, then by commune and code, without references", () => {
    expect(data.deliveryProblems.byErrorCode).toEqual([
      { code: "hubee_http_403", failed: 2, retrying: 0 },
      { code: "contenu_purge", failed: 1, retrying: 0 },
      { code: "hubee_injoignable", failed: 0, retrying: 1 },
    ]);
    expect(data.deliveryProblems).toMatchObject({ failed: 3, retrying: 1 });
    // Most recent first: counts and reasons per commune, never a shipment.
    const groups = data.deliveryProblems.byCommune;
    expect(groups.map((g) => [g.communeName, g.errorCode, g.failed, g.retrying, g.maxAttempts])).toEqual([
      ["Bourg-Sans-Tranches", "hubee_injoignable", 0, 1, 2],
      ["Bourg-Sans-Tranches", "contenu_purge", 1, 0, 1],
      ["Ville-Statistiques", "hubee_http_403", 1, 0, 1],
      ["Bourg-Sans-Tranches", "hubee_http_403", 1, 0, 60],
    ]);
    expect(groups[0]!.nextAttemptAt).not.toBeNull();
    expect(groups.slice(1).every((g) => g.nextAttemptAt === null)).toBe(true);
    expect(groups.every((g) => g.communeSiret === siretA || g.communeSiret === siretB)).toBe(true);
    expect(JSON.stringify(data)).not.toMatch(/"reference"/);
  });

  it("measures HubEE and API Particulier error rates from what is recorded", () => {
    // 7 shipments in the period, 68 attempts; 2 delivered (their last attempt succeeded).
    expect(data.hubee.sending).toEqual({ shipments: 7, attempts: 68, failedAttempts: 66, failedShipments: 3 });
    expect(data.hubee.inboxes).toMatchObject({ polled: 2, failing: 1 });
    expect(data.hubee.inboxes.failingCommunes.map((c) => c.name)).toEqual(["Bourg-Sans-Tranches"]);
    // Received in the period: 2 + 2 (the one 40 days ago is out).
    expect([data.hubee.receivedCases, data.hubee.integrationErrors]).toEqual([4, 1]);
    // Campaign items called in the period: 1 + 1 + 4 + 2 (A, running) and 1 + 1 + 1 (B, stopped).
    expect(data.apiParticulier).toMatchObject({
      calls: 11,
      rateLimited: 2,
      transientFailures: 3,
      finishedItems: 5,
      failedItems: 2,
      byErrorCode: [
        { code: "401", items: 1 },
        { code: "404", items: 1 },
        { code: "422", items: 1 },
        { code: "429", items: 1 },
        { code: "invalid_response_200", items: 1 },
        { code: "timeout", items: 1 },
      ],
      tokenAlerts: 1,
      pacer: { rateLimited: 2, tokensRateLimited: 1, lastRateLimitedAt: expect.any(String), pausedTokens: 1 },
    });
  });

  it("gives API Particulier's error rate by source: campaigns and manual lookups", () => {
    expect(data.apiParticulier.bySource).toEqual([
      {
        source: "campaigns",
        calls: 11,
        // 2 × 429 + 3 transient + one 401 + one unreadable answer
        errors: 7,
        rateLimited: 2,
        transient: 3,
        unauthorized: 1,
        invalidResponse: 1,
        notFound: 1,
        rejected: 1,
      },
      {
        source: "lookups",
        // Not calls: a lookup waiting on the token's pause, the agent's limit, no token. The entry
        // 40 days old is out of the period; the two without "called" had an answer.
        calls: 7,
        errors: 3,
        rateLimited: 1,
        transient: 1,
        unauthorized: 1,
        invalidResponse: 0,
        notFound: 1,
        rejected: 1,
      },
    ]);
  });

  it("counts the mails waiting, given up and maybe sent, never showing an address", async () => {
    const mail = (key: string, status: "pending" | "sending" | "sent" | "maybe_sent" | "failed") => ({
      idempotencyKey: `dashboard:${key}`,
      kind: "invitation" as const,
      recipient: `destinataire-${key}@mairie.example.fr`,
      subject: "Invitation",
      html: "<p>x</p>",
      text: "x",
      status,
    });
    await handle.db
      .insert(mailOutbox)
      .values([
        mail("1", "pending"),
        mail("2", "sending"),
        mail("3", "sent"),
        mail("4", "failed"),
        mail("5", "maybe_sent"),
      ]);
    const answer = await platform(cookies.platform);
    const fresh = answer.data as PlatformData;
    expect(fresh.mail).toEqual({ pending: 2, failed: 1, maybeSent: 1 });
    const html = await renderRoute(dashboardRoute.default, fresh, "/portail/administration/tableau-de-bord");
    expect(html).toContain("Abandonnés (refus définitif du relais ou trop de tentatives)");
    for (const text of [JSON.stringify(fresh), html]) expect(text).not.toContain("destinataire-");
    await handle.db.delete(mailOutbox);
  });

  it("lists the campaigns in progress with their progress", () => {
    expect(data.campaignsInProgress).toHaveLength(1);
    expect(data.campaignsInProgress[0]).toMatchObject({ communeName: "Ville-Statistiques", totalCount: 5, done: 3 });
  });

  it("holds no personal data, neither in its data nor in the page", async () => {
    const html = await renderRoute(dashboardRoute.default, data, "/portail/administration/tableau-de-bord");
    expect(html).toContain("Tableau de bord de la plateforme");
    for (const text of [JSON.stringify(data), html]) {
      for (const name of ALL_NAMES) expect(text.toUpperCase()).not.toContain(name.toUpperCase());
      expect(text).not.toContain(RAW_ERROR_DETAIL);
      // A transmission reference is the family's own: an indirect identifier.
      for (const reference of expectedReferences) expect(text).not.toContain(reference);
    }
    // The page says plainly what it cannot count.
    expect(html).toContain("Taux d’erreur API Particulier par source");
    expect(html).toContain("Récupérations par les familles (FranceConnect)");
    expect(html).toMatch(/récupérations du QF par les familles elles-mêmes \(FranceConnect\) ne sont pas enregistrées/);
    expect(html).toMatch(/<svg [^>]*role="img"/);
  });
});
