import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  families,
  qfCampaignAlerts,
  qfHistory,
  qfCampaignItems,
  qfCampaigns,
  qfCampaignSchedules,
  tariffBrackets,
} from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { createCampaign, currentParisPeriod } from "../../app/portal/campaigns/campaigns.server.ts";
import { latestUnsuccessfulCampaignOutcome } from "../../app/portal/campaigns/family-campaign-outcome.server.ts";
import { lastCampaignChanges, listBracketChanges } from "../../app/portal/campaigns/campaign-portal.server.ts";
import { finishCompletedCampaigns } from "../../app/portal/campaigns/campaign-items.server.ts";
import { eraseFamilyFile } from "../../app/portal/family-files/family-erasure.server.ts";
import { bracketFor, type TariffBracket } from "../../app/portal/settings/tariff-brackets.ts";
import { saveTariffBrackets } from "../../app/portal/settings/tariff-brackets.server.ts";
import * as campaignRoute from "../../app/routes/portail.communes.$siret.campagnes.$campaignId/route.tsx";
import * as progressRoute from "../../app/routes/portail.communes.$siret.campagnes.$campaignId.progression.ts";
import * as indexRoute from "../../app/routes/portail.communes.$siret.campagnes._index/route.tsx";
import * as newRoute from "../../app/routes/portail.communes.$siret.campagnes.nouvelle/route.tsx";
import * as bracketsRoute from "../../app/routes/portail.communes.$siret.tranches.tsx";
import * as inboxRoute from "../../app/routes/portail.communes.$siret.dossiers._index/route.tsx";
import * as fileRoute from "../../app/routes/portail.communes.$siret.dossiers.$familyId/route.tsx";
import { createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { addMember, callRoute, createAgent, signIn, testSiret, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/** The agent-facing side of QF campaigns and the tariff brackets, through the route modules. */

let handle: DatabaseHandle;
let seed = 700;
let foreignCookie: string;

interface Commune {
  id: string;
  siret: string;
  adminCookie: string;
  agentCookie: string;
  adminId: string;
  familyIds: string[];
}

/** A commune with 10 synthetic families (and one unreadable file), an administrator and an agent. */
async function commune(): Promise<Commune> {
  seed++;
  const db = handle.db;
  const row = await createCommuneWithToken(db, {
    name: `Commune ${seed}`,
    siret: testSiret(seed),
    codeCog: "49007",
    token: `token-${seed}`,
  });
  const synth = await insertSynthFamilies(db, row.id, 10, seed * 100);
  // An unreadable transmission: no pivot identity, never asked for.
  await db.insert(families).values({ collectivityId: row.id, status: "error", ingestionError: "illisible" });
  const admin = await createAgent(db, { email: `admin-${seed}@commune.fr` });
  await addMember(db, admin.id, row.id, "admin");
  const agent = await createAgent(db, { email: `agent-${seed}@commune.fr` });
  await addMember(db, agent.id, row.id, "agent");
  return {
    id: row.id,
    siret: row.siret,
    adminId: admin.id,
    adminCookie: await signIn(db, admin.id),
    agentCookie: await signIn(db, agent.id),
    familyIds: synth.map((f) => f.id),
  };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  const other = await createCommuneWithToken(handle.db, {
    name: "Autre",
    siret: testSiret(699),
    codeCog: "25056",
    token: "token-autre",
  });
  const foreign = await createAgent(handle.db, { email: "admin@autre.fr" });
  await addMember(handle.db, foreign.id, other.id, "admin");
  foreignCookie = await signIn(handle.db, foreign.id);
});

afterAll(async () => {
  await handle?.close();
});

const itemsOf = (campaignId: string) =>
  handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaignId));

const campaignIdFrom = (location: string | null) => {
  const match = /\/campagnes\/([0-9a-f-]{36})$/.exec(location ?? "");
  expect(match, location ?? "no location").not.toBeNull();
  return match![1]!;
};

/** Finishes items as the worker would: status and values. */
/** A campaign an administrator of the commune started, over all its families or a selection. */
async function agentCampaign(c: Commune, familyIds: string[] | "all") {
  return (await createCampaign(handle.db, { collectivityId: c.id, familyIds, trigger: "agent", agentId: c.adminId }))!;
}

/** Ends a campaign as the worker would once its items are all answered. */
async function markDone(campaignId: string, finishedAt = new Date()) {
  await handle.db.update(qfCampaigns).set({ status: "done", finishedAt }).where(eq(qfCampaigns.id, campaignId));
}

async function finishItems(
  campaignId: string,
  results: {
    familyId: string;
    status: "updated" | "unchanged" | "not_found" | "rejected" | "failed";
    old?: number | null;
    new?: number | null;
  }[],
) {
  for (const r of results) {
    await handle.db
      .update(qfCampaignItems)
      .set({
        status: r.status,
        oldValue: r.old ?? null,
        newValue: r.new ?? null,
        errorCode:
          r.status === "not_found" ? "404" : r.status === "rejected" ? "422" : r.status === "failed" ? "503" : null,
        attempts: r.status === "failed" ? 4 : 1,
        finishedAt: new Date(),
      })
      .where(and(eq(qfCampaignItems.campaignId, campaignId), eq(qfCampaignItems.familyId, r.familyId)));
  }
}

describe("starting a campaign from the portal", () => {
  it("confirms all the commune's families and the current period, then creates one item per readable family", async () => {
    const c = await commune();
    const path = `/portail/communes/${c.siret}/campagnes/nouvelle?portee=tous`;
    const page = await callRoute(newRoute, "loader", { path, params: { siret: c.siret }, cookie: c.agentCookie });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ scope: "all", eligible: 10, matched: 11, current: currentParisPeriod() });

    const answer = await callRoute(newRoute, "action", {
      path,
      params: { siret: c.siret },
      cookie: c.agentCookie,
      form: { portee: "tous", annee: "", mois: "" },
    });
    expect(answer.status).toBe(302);
    const id = campaignIdFrom(answer.location);
    // Post/Redirect/Get: the campaign's page says once that it started.
    const started = await callRoute(campaignRoute, "loader", {
      path: answer.location!,
      params: { siret: c.siret, campaignId: id },
      cookie: withCookies(c.agentCookie, answer),
    });
    expect(started.data).toMatchObject({ flash: { level: "success", message: expect.stringContaining("lancée") } });
    const [campaign] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, id));
    expect(campaign).toMatchObject({ scope: "all", trigger: "agent", totalCount: 10, ...currentParisPeriod() });
    expect((await itemsOf(id)).map((i) => i.familyId).sort()).toEqual([...c.familyIds].sort());
    const audit = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "qf_campaign.started")));
    expect(audit).toHaveLength(1);
  });

  it("covers the inbox's current search, whatever page the agent was on", async () => {
    const c = await commune();
    const name = `SYNTH${String(seed * 100 + 3).padStart(5, "0")}`;
    const query = `portee=recherche&onglet=tous&q=${name}&page=3`;
    const path = `/portail/communes/${c.siret}/campagnes/nouvelle?${query}`;
    const page = await callRoute(newRoute, "loader", { path, params: { siret: c.siret }, cookie: c.agentCookie });
    expect(page.data).toMatchObject({ scope: "search", eligible: 1, matched: 1 });
    // The confirmation page carries the search to the POST, without the page.
    const hidden = (page.data as { hidden: [string, string][] }).hidden;
    expect(Object.fromEntries(hidden)).toEqual({ portee: "recherche", onglet: "tous", q: name });

    const answer = await callRoute(newRoute, "action", {
      path,
      params: { siret: c.siret },
      cookie: c.agentCookie,
      form: { ...Object.fromEntries(hidden), annee: "", mois: "" },
    });
    const items = await itemsOf(campaignIdFrom(answer.location));
    expect(items.map((i) => i.familyId)).toEqual([c.familyIds[3]]);
    const [campaign] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, items[0]!.campaignId));
    expect(campaign!.scope).toBe("search");
  });

  it("covers the checked files only, and never another commune's", async () => {
    const c = await commune();
    const other = await commune();
    const picked = [c.familyIds[1]!, c.familyIds[7]!, other.familyIds[0]!, "pas-un-id"];
    const params = new URLSearchParams([
      ["portee", "selection"],
      ...picked.map((id): [string, string] => ["dossier", id]),
    ]);
    const path = `/portail/communes/${c.siret}/campagnes/nouvelle?${params}`;
    const page = await callRoute(newRoute, "loader", { path, params: { siret: c.siret }, cookie: c.agentCookie });
    expect(page.data).toMatchObject({ scope: "selection", eligible: 2, matched: 2 });
    // The way back to the inbox keeps only the inbox's own params.
    const withReturn = await callRoute(newRoute, "loader", {
      path: `${path}&retour=${encodeURIComponent("onglet=tous&q=dupont&autre=1")}`,
      params: { siret: c.siret },
      cookie: c.agentCookie,
    });
    expect(withReturn.data).toMatchObject({ backParams: "onglet=tous&q=dupont" });

    const body = new URLSearchParams(params);
    body.set("annee", "");
    const request = new Request(`http://localhost:3000${path}`, {
      method: "POST",
      headers: { Cookie: c.agentCookie, "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    const response = (await newRoute.action({
      request,
      params: { siret: c.siret },
      context: { cspNonce: "", requestId: "t", clientIp: "127.0.0.1" },
    } as never)) as Response;
    expect(response.status).toBe(302);
    const items = await itemsOf(campaignIdFrom(response.headers.get("Location")));
    expect(items.map((i) => i.familyId).sort()).toEqual([c.familyIds[1], c.familyIds[7]].sort());
  });

  it("refuses a bad period or an empty selection with a message, and creates nothing", async () => {
    const c = await commune();
    const path = `/portail/communes/${c.siret}/campagnes/nouvelle`;
    const current = currentParisPeriod();
    const bad = await callRoute(newRoute, "action", {
      path,
      params: { siret: c.siret },
      cookie: c.agentCookie,
      form: { portee: "tous", annee: String(current.annee + 1), mois: "13" },
    });
    expect(bad.status).toBe(400);
    expect((bad.data as { errors: Record<string, string> }).errors).toMatchObject({
      annee: expect.stringContaining("Saisissez une année"),
      mois: "Choisissez un mois.",
    });
    // An alert sums the errors up, with links; the period's fieldset is in error.
    const page = await callRoute(newRoute, "loader", { path, params: { siret: c.siret }, cookie: c.agentCookie });
    const html = await renderRoute(newRoute.default, page.data as object, path, bad.data as object);
    expect(html).toMatch(
      /<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">2 champs/,
    );
    expect(html).toContain('<a href="#mois">Mois : Choisissez un mois.</a>');
    expect(html).toContain('<a href="#annee">Année : Saisissez une année');
    expect(html).toContain('<fieldset class="fr-fieldset fr-fieldset--error" aria-labelledby="periode-legende">');
    const empty = await callRoute(newRoute, "action", {
      path,
      params: { siret: c.siret },
      cookie: c.agentCookie,
      form: { portee: "selection" },
    });
    expect(empty.status).toBe(400);
    expect(await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.collectivityId, c.id))).toEqual([]);
  });
});

describe("following a campaign", () => {
  it("shows progress numbers, then the report's lists, and retries the failures", async () => {
    const c = await commune();
    const campaign = await agentCampaign(c, "all");
    const f = c.familyIds;
    await finishItems(campaign.id, [
      { familyId: f[0]!, status: "updated", old: 400, new: 900 },
      { familyId: f[1]!, status: "updated", old: 700, new: 720 },
      { familyId: f[2]!, status: "unchanged", old: 500, new: 500 },
      { familyId: f[3]!, status: "not_found" },
      { familyId: f[4]!, status: "rejected" },
      { familyId: f[5]!, status: "failed" },
    ]);
    const path = `/portail/communes/${c.siret}/campagnes/${campaign.id}`;
    const params = { siret: c.siret, campaignId: campaign.id };
    const running = await callRoute(campaignRoute, "loader", { path, params, cookie: c.agentCookie });
    expect(running.status).toBe(200);
    const liveNumbers = {
      campaignId: campaign.id,
      status: "running",
      progress: { total: 10, done: 6 },
      counts: { pending: 4, updated: 2, unchanged: 1, not_found: 1, rejected: 1, failed: 1 },
      bracketChanges: 0,
    };
    expect(running.data).toMatchObject({
      campaign: { status: "running" },
      live: liveNumbers,
      canRetry: false,
      list: "updated",
    });
    // What the page polls while the campaign runs: the same numbers, without the report's list.
    const polled = await callRoute(progressRoute, "loader", {
      path: `${path}/progression`,
      params,
      cookie: c.agentCookie,
    });
    expect(polled.status).toBe(200);
    expect(polled.data).toMatchObject(liveNumbers);
    expect(Object.keys(polled.data as object).sort()).toEqual(
      ["asOf", "bracketChanges", "campaignId", "counts", "progress", "status"].sort(),
    );
    const foreign = await commune();
    const refused = await callRoute(progressRoute, "loader", {
      path: `/portail/communes/${foreign.siret}/campagnes/${campaign.id}/progression`,
      params: { siret: foreign.siret, campaignId: campaign.id },
      cookie: foreign.agentCookie,
    });
    expect(refused.status).toBe(404);
    const updated = (running.data as { items: { familyId: string; oldValue: string; newValue: string }[] }).items;
    expect(updated.map((i) => i.familyId).sort()).toEqual([f[0], f[1]].sort());
    expect(updated.find((i) => i.familyId === f[0])).toMatchObject({ oldValue: "400 €", newValue: "900 €" });

    const failedList = await callRoute(campaignRoute, "loader", {
      path: `${path}?liste=failed`,
      params,
      cookie: c.agentCookie,
    });
    expect(failedList.data).toMatchObject({ list: "failed", listTotal: 1, items: [{ familyId: f[5] }] });
    const notFound = await callRoute(campaignRoute, "loader", {
      path: `${path}?liste=not_found`,
      params,
      cookie: c.agentCookie,
    });
    expect(notFound.data).toMatchObject({ items: [{ familyId: f[3], detail: "Code 404" }] });

    // Stopped by an agent with items left: the retry covers the failed and the untreated.
    const stop = await callRoute(campaignRoute, "action", {
      path,
      params,
      cookie: c.agentCookie,
      form: { intent: "stop" },
    });
    expect(stop.status).toBe(302);
    const stopped = await callRoute(campaignRoute, "loader", { path, params, cookie: c.agentCookie });
    expect(stopped.data).toMatchObject({ campaign: { status: "stopped", stopReason: "agent" }, canRetry: true });
    const retry = await callRoute(campaignRoute, "action", {
      path,
      params,
      cookie: c.agentCookie,
      form: { intent: "retry" },
    });
    expect(retry.status).toBe(302);
    const retryId = campaignIdFrom(retry.location);
    expect(retryId).not.toBe(campaign.id);
    const retried = await itemsOf(retryId);
    expect(retried.map((i) => i.familyId).sort()).toEqual([f[5], f[6], f[7], f[8], f[9]].sort());
    const [retryCampaign] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, retryId));
    expect(retryCampaign!.retryOf).toBe(campaign.id);
  });

  it("pauses, resumes and stops, audited, and says so when the state moved meanwhile", async () => {
    const c = await commune();
    const campaign = await agentCampaign(c, "all");
    const path = `/portail/communes/${c.siret}/campagnes/${campaign.id}`;
    const params = { siret: c.siret, campaignId: campaign.id };
    const act = (intent: string) =>
      callRoute(campaignRoute, "action", { path, params, cookie: c.agentCookie, form: { intent } });
    const status = async () =>
      (await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id)))[0]!.status;
    const paused = await act("pause");
    expect(paused).toMatchObject({ status: 302, location: path });
    expect(await status()).toBe("paused");
    const pausedPage = await callRoute(campaignRoute, "loader", {
      path,
      params,
      cookie: withCookies(c.agentCookie, paused),
    });
    expect(pausedPage.data).toMatchObject({
      campaign: { status: "paused" },
      flash: { level: "success", message: "Mise à jour suspendue." },
    });
    expect((await act("pause")).status).toBe(409);
    expect((await act("resume")).status).toBe(302);
    expect(await status()).toBe("running");
    expect((await act("stop")).status).toBe(302);
    expect(await status()).toBe("stopped");
    expect((await act("resume")).status).toBe(409);
    expect((await act("nimporte")).status).toBe(400);
    const actions = await handle.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.targetId, campaign.id))
      .orderBy(auditEvents.id);
    expect(actions.map((a) => a.action)).toEqual([
      "qf_campaign.started",
      "qf_campaign.paused",
      "qf_campaign.resumed",
      "qf_campaign.stopped",
    ]);
  });

  it("answers 404 to an agent of another commune, on the page and the controls", async () => {
    const c = await commune();
    const campaign = await agentCampaign(c, "all");
    const path = `/portail/communes/${c.siret}/campagnes/${campaign.id}`;
    const params = { siret: c.siret, campaignId: campaign.id };
    expect((await callRoute(campaignRoute, "loader", { path, params, cookie: foreignCookie })).status).toBe(404);
    const stop = await callRoute(campaignRoute, "action", {
      path,
      params,
      cookie: foreignCookie,
      form: { intent: "stop" },
    });
    expect(stop.status).toBe(404);
    // Another commune's campaign id under the agent's own commune: 404 too.
    const other = await commune();
    const crossed = await callRoute(campaignRoute, "loader", {
      path,
      params: { siret: other.siret, campaignId: campaign.id },
      cookie: other.agentCookie,
    });
    expect(crossed.status).toBe(404);
    const [row] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(row!.status).toBe("running");
  });
});

describe("token alerts", () => {
  it("are shown until an administrator acknowledges them; plain agents cannot", async () => {
    const c = await commune();
    const [alert] = await handle.db
      .insert(qfCampaignAlerts)
      .values({ collectivityId: c.id, kind: "token_unauthorized", httpStatus: 401 })
      .returning();
    const path = `/portail/communes/${c.siret}/campagnes`;
    const params = { siret: c.siret };
    const list = await callRoute(indexRoute, "loader", { path, params, cookie: c.agentCookie });
    expect(list.data).toMatchObject({ alerts: [{ id: alert!.id, kind: "token_unauthorized", httpStatus: 401 }] });
    const inbox = await callRoute(inboxRoute, "loader", {
      path: `/portail/communes/${c.siret}/dossiers`,
      params,
      cookie: c.agentCookie,
    });
    expect(inbox.data).toMatchObject({ openAlerts: 1 });

    const byAgent = await callRoute(indexRoute, "action", {
      path,
      params,
      cookie: c.agentCookie,
      form: { intent: "acquitter", alertId: alert!.id },
    });
    expect(byAgent.status).toBe(403);
    const byAdmin = await callRoute(indexRoute, "action", {
      path,
      params,
      cookie: c.adminCookie,
      form: { intent: "acquitter", alertId: alert!.id },
    });
    expect(byAdmin).toMatchObject({ status: 302, location: path });
    const after = await callRoute(indexRoute, "loader", { path, params, cookie: withCookies(c.adminCookie, byAdmin) });
    expect(after.data).toMatchObject({ alerts: [], flash: { level: "success" } });
    // A forged alert id is refused, not a 500.
    const forged = await callRoute(indexRoute, "action", {
      path,
      params,
      cookie: c.adminCookie,
      form: { intent: "acquitter", alertId: "pas-une-alerte" },
    });
    expect(forged.status).toBe(400);
    const [row] = await handle.db.select().from(qfCampaignAlerts).where(eq(qfCampaignAlerts.id, alert!.id));
    expect(row!.acknowledgedBy).toBe(c.adminId);
  });
});

describe("the yearly campaign day", () => {
  it("is the default until the administrator picks a date or turns it off", async () => {
    const c = await commune();
    const path = `/portail/communes/${c.siret}/campagnes`;
    const params = { siret: c.siret };
    const save = (form: Record<string, string>, cookie = c.adminCookie) =>
      callRoute(indexRoute, "action", { path, params, cookie, form: { intent: "calendrier", ...form } });
    const rows = () => handle.db.select().from(qfCampaignSchedules).where(eq(qfCampaignSchedules.collectivityId, c.id));

    expect((await callRoute(indexRoute, "loader", { path, params, cookie: c.adminCookie })).data).toMatchObject({
      schedule: { mode: "defaut" },
      isAdmin: true,
    });
    const invalid = await save({ mode: "date", day: "31", month: "" });
    expect(invalid.status).toBe(400);
    expect(invalid.data).toMatchObject({
      errors: { day: expect.stringContaining("entre 1 et 28"), month: "Choisissez un mois." },
      values: { day: "31" },
    });
    expect(await rows()).toEqual([]);
    const page = async (answer: { data: unknown }) =>
      renderRoute(
        indexRoute.default,
        (await callRoute(indexRoute, "loader", { path, params, cookie: c.adminCookie })).data as object,
        path,
        answer.data as object,
      );
    // An alert sums the errors up over the form, each a link to its field.
    const invalidPage = await page(invalid);
    expect(invalidPage).toMatch(/role="alert"><h3 class="fr-alert__title">2 champs sont à corriger<\/h3>/);
    expect(invalidPage).toContain('<a href="#day">Jour : Saisissez un jour entre 1 et 28');
    expect(invalidPage).toContain('<a href="#month">Mois : Choisissez un mois.</a>');
    // A missing choice: the radios' fieldset is described by its error, and the summary leads to the first radio.
    const noMode = await save({ mode: "" });
    expect(noMode.status).toBe(400);
    const noModePage = await page(noMode);
    expect(noModePage).toContain('aria-labelledby="mode-legende mode-error"');
    expect(noModePage).toContain('<p class="fr-message fr-message--error" id="mode-error">');
    expect(noModePage).toContain('<a href="#mode-defaut">');

    // Post/Redirect/Get: back to the page, which says once that the schedule was saved.
    const saved = await save({ mode: "date", day: "15", month: "9" });
    expect(saved).toMatchObject({ status: 302, location: path });
    expect(await rows()).toMatchObject([{ day: 15, month: 9, enabled: true }]);
    const savedPage = await callRoute(indexRoute, "loader", {
      path,
      params,
      cookie: withCookies(c.adminCookie, saved),
    });
    expect(savedPage.data).toMatchObject({ flash: { level: "success", message: "Calendrier enregistré." } });
    expect((await callRoute(indexRoute, "loader", { path, params, cookie: c.agentCookie })).data).toMatchObject({
      schedule: { mode: "date", day: 15, month: 9 },
      nextRun: expect.stringMatching(/^15 septembre \d{4}$/),
      flash: null,
    });
    expect((await save({ mode: "aucune" })).status).toBe(302);
    expect(await rows()).toMatchObject([{ enabled: false }]);
    expect((await save({ mode: "defaut" })).status).toBe(302);
    expect(await rows()).toEqual([]);
    expect((await save({ mode: "date", day: "1", month: "1" }, c.agentCookie)).status).toBe(403);
    const audits = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, c.id), eq(auditEvents.action, "settings.updated")));
    expect(audits).toHaveLength(3);
  });
});

describe("tariff brackets", () => {
  it("saves valid brackets (audited) and ties errors to the faulty row, keeping what was typed", async () => {
    const c = await commune();
    const path = `/portail/communes/${c.siret}/tranches`;
    const params = { siret: c.siret };
    const page = await callRoute(bracketsRoute, "loader", { path, params, cookie: c.adminCookie });
    expect(page.data).toMatchObject({ rows: [], brackets: [] });
    expect((await callRoute(bracketsRoute, "loader", { path, params, cookie: c.agentCookie })).status).toBe(403);

    const rows = (values: [string, string, string][]) =>
      Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => values[i] ?? ["", "", ""]).flatMap(([label, min, max], i) => [
          [`label-${i}`, label],
          [`min-${i}`, min],
          [`max-${i}`, max],
        ]),
      );
    const bad = await callRoute(bracketsRoute, "action", {
      path,
      params,
      cookie: c.adminCookie,
      form: rows([
        ["A", "0", "500"],
        ["B", "600", "1000"],
        ["", "", ""],
        ["C", "1001", ""],
      ]),
    });
    expect(bad.status).toBe(400);
    const badData = bad.data as { errors: Record<string, string>; rows: { label: string }[] };
    expect(Object.keys(badData.errors)).toEqual(["1"]);
    expect(badData.errors["1"]).toContain("commencer à 501");
    expect(badData.rows[3]).toEqual({ label: "C", min: "1001", max: "" });
    expect(await handle.db.select().from(tariffBrackets).where(eq(tariffBrackets.collectivityId, c.id))).toEqual([]);

    const good = await callRoute(bracketsRoute, "action", {
      path,
      params,
      cookie: c.adminCookie,
      form: rows([
        ["A", "0", "500"],
        ["B", "501", "1000"],
        ["", "", ""],
        ["C", "1001", ""],
      ]),
    });
    // Post/Redirect/Get: back to the page, which says once that the brackets were saved.
    expect(good.status).toBe(302);
    expect(good.location).toBe(path);
    const saved = await callRoute(bracketsRoute, "loader", { path, params, cookie: withCookies(c.adminCookie, good) });
    expect(saved.data).toMatchObject({ flash: { level: "success", message: "Tranches enregistrées." } });
    expect(saved.cookies).toEqual([]);
    const again = await callRoute(bracketsRoute, "loader", { path, params, cookie: c.adminCookie });
    expect(again.data).toMatchObject({ flash: null });
    // fr-FR groups thousands with a narrow no-break space.
    const savedBrackets = (saved.data as { brackets: { label: string; range: string }[] }).brackets;
    expect({ brackets: savedBrackets.map((b) => ({ ...b, range: b.range.replace(/\s/gu, " ") })) }).toMatchObject({
      brackets: [
        { label: "A", range: "0 – 500" },
        { label: "B", range: "501 – 1 000" },
        { label: "C", range: "1 001 et plus" },
      ],
    });
    const audits = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, c.id), eq(auditEvents.action, "tariff_brackets.updated")));
    expect(audits.map((a) => a.details)).toEqual([{ count: 3 }]);
  });

  it("gives the inbox notice the same first names by either plan, for a whole-commune or a narrower campaign", async () => {
    const c = await commune();
    const f = c.familyIds;
    // Equal names, so the order has to fall back on first names and ids the same way in both plans.
    for (const [index, familyName] of ["DUPONT", "DUPONT", "ABEL", "BAUD", "DUPONT", "ZOLA"].entries()) {
      await handle.db
        .update(families)
        .set({ familyName, givenNames: index === 1 ? null : "Marie" })
        .where(eq(families.id, f[index]!));
    }
    const whole = await agentCampaign(c, "all");
    await finishItems(
      whole.id,
      [0, 1, 2, 3, 4, 5, 7].map((i) => ({ familyId: f[i]!, status: "updated" as const, old: 100 + i, new: 200 + i })),
    );
    await markDone(whole.id);
    const sorted = await lastCampaignChanges(handle.db, c.id, 5, Number.POSITIVE_INFINITY);
    const walked = await lastCampaignChanges(handle.db, c.id, 5, 0);
    expect(walked).toEqual(sorted);
    expect(sorted!.total).toBe(7);
    expect(sorted!.rows.map((r) => [r.familyName, r.givenNames])).toEqual([
      ["ABEL", "Marie"],
      ["BAUD", "Marie"],
      ["DUPONT", "Marie"],
      ["DUPONT", "Marie"],
      ["DUPONT", null],
    ]);
    expect(sorted!.rows[0]).toMatchObject({ familyId: f[2], oldValue: 102, newValue: 202 });

    // A later, narrower campaign: the notice follows it, by the sorting plan whatever the size.
    const selection = await agentCampaign(c, [f[5]!, f[3]!]);
    await finishItems(selection.id, [
      { familyId: f[5]!, status: "updated", old: 1, new: 2 },
      { familyId: f[3]!, status: "updated", old: 3, new: 4 },
    ]);
    await markDone(selection.id, new Date(Date.now() + 1_000));
    const narrow = await lastCampaignChanges(handle.db, c.id, 5, 0);
    expect(narrow).toMatchObject({ campaignId: selection.id, total: 2 });
    expect(narrow!.rows.map((r) => r.familyId)).toEqual([f[3], f[5]]);
  });

  it("counts and pages bracket changes as bracketFor reads them, with gaps and unknown QFs", async () => {
    const c = await commune();
    const brackets: TariffBracket[] = [
      { label: "Basse", min: 0, max: 300 },
      // 301 to 499 fall in no bracket.
      { label: "Moyenne", min: 500, max: 800 },
      { label: "Haute", min: 801, max: null },
    ];
    const campaign = await agentCampaign(c, "all");
    expect(
      await listBracketChanges(handle.db, { campaignId: campaign.id, collectivityId: c.id, limit: 50, offset: 0 }),
    ).toEqual({ total: 0, rows: [] });
    await saveTariffBrackets(handle.db, c.id, brackets);
    const pairs: [number | null, number | null][] = [
      [0, 300], [300, 301], [350, 450], [450, 500], [800, 801], [null, 100], [100, null], [null, null], [2000, 900], [499, 0],
    ]; // prettier-ignore
    await finishItems(
      campaign.id,
      pairs.map(([old, next], i) => ({ familyId: c.familyIds[i]!, status: "updated", old, new: next })),
    );
    const expected = pairs
      .map(([old, next], i) => ({ familyId: c.familyIds[i]!, old, next }))
      .filter(({ old, next }) => bracketFor(old, brackets)?.label !== bracketFor(next, brackets)?.label);
    const page = (offset: number) =>
      listBracketChanges(handle.db, { campaignId: campaign.id, collectivityId: c.id, limit: 3, offset });
    const pages = [await page(0), await page(3), await page(6)];
    expect(pages.map((p) => p.total)).toEqual([expected.length, expected.length, expected.length]);
    const rows = pages.flatMap((p) => p.rows);
    expect(new Set(rows.map((r) => r.familyId))).toEqual(new Set(expected.map((e) => e.familyId)));
    for (const row of rows) {
      expect(row.oldBracket).toBe(bracketFor(row.oldValue, brackets)?.label ?? null);
      expect(row.newBracket).toBe(bracketFor(row.newValue, brackets)?.label ?? null);
    }
    // Another commune's id sees nothing of this campaign.
    const other = await commune();
    await saveTariffBrackets(handle.db, other.id, brackets);
    expect(
      await listBracketChanges(handle.db, { campaignId: campaign.id, collectivityId: other.id, limit: 50, offset: 0 }),
    ).toEqual({ total: 0, rows: [] });
  });

  it("shows each family's bracket in the inbox and the file, and lists bracket changes in the report", async () => {
    const c = await commune();
    await saveTariffBrackets(handle.db, c.id, [
      { label: "Tranche A", min: 0, max: 500 },
      { label: "Tranche B", min: 501, max: 1000 },
      { label: "Tranche C", min: 1001, max: null },
    ]);
    const f = c.familyIds;
    const campaign = await agentCampaign(c, "all");
    await finishItems(campaign.id, [
      { familyId: f[0]!, status: "updated", old: 400, new: 900 }, // A → B
      { familyId: f[1]!, status: "updated", old: 700, new: 720 }, // B → B
      { familyId: f[2]!, status: "updated", old: null, new: 1500 }, // none → C
      { familyId: f[3]!, status: "unchanged", old: 300, new: 300 },
    ]);
    for (const [id, value] of [
      [f[0]!, 900],
      [f[1]!, 720],
      [f[2]!, 1500],
      [f[3]!, 300],
    ] as const) {
      await handle.db.update(families).set({ qfValue: value, qfAnnee: 2026, qfMois: 1 }).where(eq(families.id, id));
    }
    await markDone(campaign.id);

    const report = await callRoute(campaignRoute, "loader", {
      path: `/portail/communes/${c.siret}/campagnes/${campaign.id}?liste=tranches`,
      params: { siret: c.siret, campaignId: campaign.id },
      cookie: c.agentCookie,
    });
    expect(report.data).toMatchObject({ live: { bracketChanges: 2 }, list: "tranches", listTotal: 2 });
    const changes = (report.data as { items: { familyId: string; detail: string }[] }).items;
    expect(Object.fromEntries(changes.map((i) => [i.familyId, i.detail]))).toEqual({
      [f[0]!]: "Tranche A → Tranche B",
      [f[2]!]: "Aucune tranche → Tranche C",
    });

    const inbox = await callRoute(inboxRoute, "loader", {
      path: `/portail/communes/${c.siret}/dossiers?onglet=tous&parPage=50`,
      params: { siret: c.siret },
      cookie: c.agentCookie,
    });
    const data = inbox.data as {
      hasBrackets: boolean;
      rows: { id: string; bracket: string | null }[];
      lastChanges: {
        campaignId: string;
        total: number;
        rows: { familyId: string; oldValue: string; newValue: string }[];
      };
    };
    expect(data.hasBrackets).toBe(true);
    const bracketOf = Object.fromEntries(data.rows.map((r) => [r.id, r.bracket]));
    expect([bracketOf[f[0]!], bracketOf[f[1]!], bracketOf[f[2]!], bracketOf[f[3]!], bracketOf[f[4]!]]).toEqual([
      "Tranche B",
      "Tranche B",
      "Tranche C",
      "Tranche A",
      null,
    ]);
    // The notice: the families whose QF changed in the last campaign, old → new.
    expect(data.lastChanges.campaignId).toBe(campaign.id);
    expect(data.lastChanges.total).toBe(3);
    expect(data.lastChanges.rows.find((r) => r.familyId === f[0])).toMatchObject({
      oldValue: "400 €",
      newValue: "900 €",
    });

    const file = await callRoute(fileRoute, "loader", {
      path: `/portail/communes/${c.siret}/dossiers/${f[0]}`,
      params: { siret: c.siret, familyId: f[0]! },
      cookie: c.agentCookie,
    });
    const bracket = (file.data as { family: { qf: { bracket: { label: string; range: string } } } }).family.qf.bracket;
    expect({ ...bracket, range: bracket.range.replace(/\s/gu, " ") }).toEqual({
      label: "Tranche B",
      range: "501 – 1 000",
    });
  });

  it("leaves the notice out when the last campaign changed nobody's QF", async () => {
    const c = await commune();
    const campaign = (await createCampaign(handle.db, {
      collectivityId: c.id,
      familyIds: [c.familyIds[0]!],
      scope: "selection",
      trigger: "agent",
      agentId: c.adminId,
    }))!;
    await finishItems(campaign.id, [{ familyId: c.familyIds[0]!, status: "unchanged", old: 300, new: 300 }]);
    await markDone(campaign.id);
    const inbox = await callRoute(inboxRoute, "loader", {
      path: `/portail/communes/${c.siret}/dossiers`,
      params: { siret: c.siret },
      cookie: c.agentCookie,
    });
    expect(inbox.data).toMatchObject({ lastChanges: null, hasBrackets: false });
  });

  it("keeps the notice's total equal to the report's list when a family of a done campaign is erased", async () => {
    const c = await commune();
    const f = c.familyIds;
    const campaign = await agentCampaign(c, "all");
    await finishItems(
      campaign.id,
      f.map((familyId, i) => ({ familyId, status: i < 4 ? "updated" : "unchanged", old: 100 + i, new: 200 + i })),
    );
    // Ended as the worker ends it: the final counts are written with the status.
    await finishCompletedCampaigns(handle.db);
    const [ended] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(ended).toMatchObject({ status: "done", counts: { updated: 4, unchanged: 6 } });

    const noticeAndReport = async () => {
      const inbox = await callRoute(inboxRoute, "loader", {
        path: `/portail/communes/${c.siret}/dossiers`,
        params: { siret: c.siret },
        cookie: c.agentCookie,
      });
      const report = await callRoute(campaignRoute, "loader", {
        path: `/portail/communes/${c.siret}/campagnes/${campaign.id}?liste=updated`,
        params: { siret: c.siret, campaignId: campaign.id },
        cookie: c.agentCookie,
      });
      return {
        notice: (inbox.data as { lastChanges: { total: number; rows: unknown[] } }).lastChanges,
        report: (report.data as { listTotal: number }).listTotal,
      };
    };
    expect(await noticeAndReport()).toMatchObject({ notice: { total: 4 }, report: 4 });

    // Right to erasure: the family's items go with it, from the report and from the stored counts.
    expect(await eraseFamilyFile(handle.db, { collectivityId: c.id, familyId: f[0]!, actor: c.adminId })).toMatchObject(
      {
        families: 1,
        campaignItems: 1,
      },
    );
    const after = await noticeAndReport();
    expect(after).toMatchObject({ notice: { total: 3 }, report: 3 });
    expect(after.notice.rows).toHaveLength(3);
    const [stored] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(stored!.counts).toEqual({ updated: 3, unchanged: 6 });
  });
});

describe("a campaign's 404, 422 or failure on the family file", () => {
  type FileData = { campaignOutcome: { status: string; message: string; href: string } | null };
  const fileOf = async (c: Commune, familyId: string) => {
    const answer = await callRoute(fileRoute, "loader", {
      path: `/portail/communes/${c.siret}/dossiers/${familyId}`,
      params: { siret: c.siret, familyId },
      cookie: c.agentCookie,
    });
    expect(answer.status).toBe(200);
    return answer.data as FileData & Record<string, unknown>;
  };
  const janvier2027 = (c: Commune, familyIds: string[]) =>
    createCampaign(handle.db, {
      collectivityId: c.id,
      familyIds,
      scope: "selection",
      trigger: "agent",
      agentId: c.adminId,
      period: { annee: 2027, mois: 1 },
    });

  it("says what the last campaign found, keeps the QF, and links to the campaign's list", async () => {
    const c = await commune();
    const f = c.familyIds;
    await handle.db.update(families).set({ qfValue: 640, qfAnnee: 2026, qfMois: 1 }).where(eq(families.id, f[0]!));
    const campaign = (await janvier2027(c, f.slice(0, 6)))!;
    await finishItems(campaign.id, [
      { familyId: f[0]!, status: "not_found", old: 640 },
      { familyId: f[1]!, status: "not_found" },
      { familyId: f[2]!, status: "rejected" },
      { familyId: f[3]!, status: "failed" },
      { familyId: f[4]!, status: "updated", old: 300, new: 320 },
    ]);

    const notFound = await fileOf(c, f[0]!);
    expect(notFound.campaignOutcome).toEqual({
      status: "not_found",
      message: "Mise à jour de janvier 2027 : QF introuvable auprès de la CAF/MSA (404), le QF précédent est conservé.",
      href: `/portail/communes/${c.siret}/campagnes/${campaign.id}?liste=not_found`,
    });
    // Nothing was deleted: the file keeps its QF.
    expect(notFound).toMatchObject({ family: { qf: { value: expect.stringContaining("640") } } });
    expect((await fileOf(c, f[1]!)).campaignOutcome!.message).toBe(
      "Mise à jour de janvier 2027 : QF introuvable auprès de la CAF/MSA (404), aucun QF n’est connu pour ce dossier.",
    );
    expect((await fileOf(c, f[2]!)).campaignOutcome).toMatchObject({
      status: "rejected",
      message: expect.stringContaining("identité refusée par API Particulier (422)"),
      href: expect.stringMatching(/\?liste=rejected$/),
    });
    expect((await fileOf(c, f[3]!)).campaignOutcome).toMatchObject({
      status: "failed",
      message: "Mise à jour de janvier 2027 : échec après 4 essais (erreur 503), aucun QF n’est connu pour ce dossier.",
    });
    // A success, a family still waiting, a family never in a campaign: nothing to say.
    expect((await fileOf(c, f[4]!)).campaignOutcome).toBeNull();
    expect((await fileOf(c, f[5]!)).campaignOutcome).toBeNull();
    expect((await fileOf(c, f[6]!)).campaignOutcome).toBeNull();

    // The page shows it next to the QF, with the link.
    const html = await renderRoute(fileRoute.default, notFound, `/portail/communes/${c.siret}/dossiers/${f[0]}`);
    expect(html).toContain("QF introuvable auprès de la CAF/MSA (404), le QF précédent est conservé.");
    expect(html).toContain(
      `href="/portail/communes/${c.siret}/campagnes/${campaign.id}?liste=not_found">Voir la campagne</a>`,
    );
  });

  it("gives way to a later success or a newer QF, and reads only the commune's campaigns", async () => {
    const c = await commune();
    const f = c.familyIds;
    const first = (await janvier2027(c, [f[0]!, f[1]!]))!;
    await finishItems(first.id, [
      { familyId: f[0]!, status: "not_found" },
      { familyId: f[1]!, status: "failed" },
    ]);
    expect((await fileOf(c, f[0]!)).campaignOutcome).not.toBeNull();
    // Read within the commune only: under another commune's id the same family has nothing.
    const other = await commune();
    expect(await latestUnsuccessfulCampaignOutcome(handle.db, other.id, f[0]!)).toBeNull();
    expect(await latestUnsuccessfulCampaignOutcome(handle.db, c.id, f[0]!)).toMatchObject({ status: "not_found" });
    await markDone(first.id);

    // A retry finds f[0]: the last result is a success.
    const retry = (await createCampaign(handle.db, {
      collectivityId: c.id,
      familyIds: [f[0]!],
      scope: "selection",
      trigger: "agent",
      agentId: c.adminId,
      period: { annee: 2027, mois: 1 },
    }))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await finishItems(retry.id, [{ familyId: f[0]!, status: "updated", old: null, new: 700 }]);
    expect((await fileOf(c, f[0]!)).campaignOutcome).toBeNull();

    // f[1] transmits a QF after the failure: the failure is old news.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await handle.db
      .insert(qfHistory)
      .values({ familyId: f[1]!, value: 810, annee: 2027, mois: 2, provider: "CNAF", source: "transmission" });
    expect((await fileOf(c, f[1]!)).campaignOutcome).toBeNull();
  });
});
