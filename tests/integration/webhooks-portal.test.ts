import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, webhookEndpoints, webhookEventDeliveries, webhookEvents } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import * as indexRoute from "../../app/routes/portail.communes.$siret.webhooks._index.tsx";
import * as endpointRoute from "../../app/routes/portail.communes.$siret.webhooks.$endpointId/route.tsx";
import { addMember, callRoute, createAgent, createCommune, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";
import { schemaErrors, startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

/** The administrators' webhook pages, called as Remix calls their loaders and actions. */

let handle: DatabaseHandle;
let receiver: WebhookReceiver;
let commune: { id: string; siret: string };
let other: { id: string; siret: string };
const cookies = { admin: "", agent: "", otherAdmin: "" };

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  receiver = await startWebhookReceiver();
  const db = handle.db;
  commune = await createCommune(db, "Commune webhooks", 801);
  other = await createCommune(db, "Autre commune", 802);
  const admin = await createAgent(db, { email: "admin@webhooks.fr" });
  await addMember(db, admin.id, commune.id, "admin");
  const agent = await createAgent(db, { email: "agent@webhooks.fr" });
  await addMember(db, agent.id, commune.id, "agent");
  const otherAdmin = await createAgent(db, { email: "admin@autre.fr" });
  await addMember(db, otherAdmin.id, other.id, "admin");
  cookies.admin = await signIn(db, admin.id);
  cookies.agent = await signIn(db, agent.id);
  cookies.otherAdmin = await signIn(db, otherAdmin.id);
});

afterAll(async () => {
  await receiver?.close();
  await handle?.close();
});

const base = () => `/portail/communes/${commune.siret}/webhooks`;

function index(kind: "loader" | "action", cookie: string, form?: URLSearchParams) {
  if (kind === "loader") return callRoute(indexRoute, kind, { path: base(), params: { siret: commune.siret }, cookie });
  return callRoute(indexRoute, kind, {
    path: base(),
    params: { siret: commune.siret },
    cookie,
    form: form ?? new URLSearchParams(),
  });
}

function detail(
  endpointId: string,
  kind: "loader" | "action",
  cookie: string,
  form?: Record<string, string>,
  options: { siret?: string; query?: string } = {},
) {
  const siret = options.siret ?? commune.siret;
  return callRoute(endpointRoute, kind, {
    path: `/portail/communes/${siret}/webhooks/${endpointId}${options.query ?? ""}`,
    params: { siret, endpointId },
    cookie,
    form,
  });
}

function createForm(values: { url: string; description?: string; events: string[] }) {
  const form = new URLSearchParams({ intent: "create", url: values.url, description: values.description ?? "" });
  for (const event of values.events) form.append("events", event);
  return form;
}

describe("webhook pages", () => {
  let endpointId = "";
  let secret = "";

  it("keeps what the administrator typed and names the wrong fields", async () => {
    const answer = await index("action", cookies.admin, createForm({ url: "ftp://exemple.fr", events: [] }));
    expect(answer.status).toBe(400);
    expect(answer.data).toMatchObject({
      ok: false,
      errors: {
        url: "L’adresse doit commencer par https:// (ou http:// en démonstration).",
        events: "Choisissez au moins un événement.",
      },
      values: { url: "ftp://exemple.fr" },
    });
    // Every field error in a summary over the form, announced, each a link to its field.
    const list = await index("loader", cookies.admin);
    const html = await renderRoute(indexRoute.default, list.data as object, base(), answer.data as object);
    const summary = /<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1];
    expect(summary).toContain('<h3 class="fr-alert__title">2 champs sont à corriger</h3>');
    expect(summary).toContain('<a href="#url">Adresse de réception : L’adresse doit commencer par https://');
    expect(summary).toContain(
      '<a href="#events-dossier.recu">Événements envoyés : Choisissez au moins un événement.</a>',
    );
    const bogus = await index(
      "action",
      cookies.admin,
      createForm({ url: "https://u:p@exemple.fr/", events: ["dossier.recu", "nimporte.quoi"] }),
    );
    expect(bogus.status).toBe(400);
    expect(bogus.data).toMatchObject({ errors: { url: expect.stringContaining("identifiant") } });
    expect(await handle.db.select().from(webhookEndpoints)).toEqual([]);
  });

  it("creates an endpoint and shows its secret once", async () => {
    const answer = await index(
      "action",
      cookies.admin,
      createForm({ url: receiver.url, description: "Logiciel enfance", events: ["dossier.recu", "qf.mis_a_jour"] }),
    );
    expect(answer.status).toBe(200);
    const created = (answer.data as { ok: true; created: { id: string; secret: string } }).created;
    endpointId = created.id;
    secret = created.secret;
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.push(secret);

    const [row] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(row).toMatchObject({ collectivityId: commune.id, events: ["dossier.recu", "qf.mis_a_jour"] });
    expect(JSON.stringify(row)).not.toContain(secret);

    // Never shown again: neither the list nor the endpoint's page carries it.
    const list = await index("loader", cookies.admin);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.data)).not.toContain(secret);
    expect(list.data).toMatchObject({ endpoints: [{ id: endpointId, url: receiver.url, status: "active" }] });
    const page = await detail(endpointId, "loader", cookies.admin);
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.data)).not.toContain(secret);
  });

  it("sums up an invalid edit under the h1, above the delivery log, with links to the fields", async () => {
    const answer = await detail(endpointId, "action", cookies.admin, { intent: "update", url: "ftp://exemple.fr" });
    expect(answer.status).toBe(400);
    const page = await detail(endpointId, "loader", cookies.admin);
    const path = `${base()}/${endpointId}`;
    const html = await renderRoute(endpointRoute.default, page.data as object, path, answer.data as object);
    const summary = html.indexOf('<div class="fr-alert fr-alert--error fr-mb-4w" role="alert">');
    expect(summary).toBeGreaterThan(html.indexOf("<h1>Webhook</h1>"));
    expect(summary).toBeLessThan(html.indexOf("Journal des envois"));
    expect(html).toContain('<h2 class="fr-alert__title">2 champs sont à corriger</h2>');
    expect(html).toContain('<a href="#url">Adresse de réception : ');
    expect(html).toContain('<a href="#events-dossier.recu">Événements envoyés : ');
    // The form still keeps what was typed.
    expect(html).toMatch(/<input[^>]*id="url"[^>]*value="ftp:\/\/exemple.fr"/);
  });

  it("sends a test event the receiver verifies, and logs it", async () => {
    const answer = await detail(endpointId, "action", cookies.admin, { intent: "test" });
    // Post/Redirect/Get: back to the endpoint's page, which says once how the delivery went.
    expect(answer).toMatchObject({ status: 302, location: `${base()}/${endpointId}` });
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]!.payload).toMatchObject({
      type: "test.ping",
      commune: { siret: commune.siret },
      data: { point_de_terminaison_id: endpointId },
    });
    expect(schemaErrors(receiver.accepted[0]!.payload)).toEqual([]);
    const page = await detail(endpointId, "loader", withCookies(cookies.admin, answer));
    expect(page.data).toMatchObject({
      flash: { level: "success", message: expect.stringContaining("Événement livré") },
      log: { total: 1, entries: [{ eventType: "test.ping", status: "delivered", attempts: 1, responseStatus: 204 }] },
    });
    const html = await renderRoute(endpointRoute.default, page.data as object, `${base()}/${endpointId}`);
    expect(html).toContain(
      '<div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status"><p>Événement livré',
    );
    expect((await detail(endpointId, "loader", cookies.admin)).data).toMatchObject({ flash: null });
  });

  it("rotates the secret: the new one is shown once, both sign during the grace period", async () => {
    const answer = await detail(endpointId, "action", cookies.admin, { intent: "rotate" });
    const rotated = (answer.data as { kind: "secret"; secret: string }).secret;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    receiver.secrets = [rotated];
    await detail(endpointId, "action", cookies.admin, { intent: "test" });
    receiver.secrets = [secret];
    await detail(endpointId, "action", cookies.admin, { intent: "test" });
    expect(receiver.accepted.slice(-2).map((r) => r.signatures.length)).toEqual([2, 2]);
    expect(receiver.accepted).toHaveLength(3);
    const page = await detail(endpointId, "loader", cookies.admin);
    expect(page.data).toMatchObject({ endpoint: { previousSecretValidUntil: expect.any(String) } });
    receiver.secrets = [rotated];
  });

  it("replays a delivery with the same event id, which the receiver recognises", async () => {
    const [delivery] = await handle.db
      .select()
      .from(webhookEventDeliveries)
      .where(eq(webhookEventDeliveries.endpointId, endpointId))
      .orderBy(webhookEventDeliveries.createdAt)
      .limit(1);
    const answer = await detail(endpointId, "action", cookies.admin, { intent: "replay", deliveryId: delivery!.id });
    const after = await detail(endpointId, "loader", withCookies(cookies.admin, answer));
    expect(after.data).toMatchObject({
      flash: { level: "success", message: expect.stringContaining("Événement livré") },
    });
    expect(receiver.log.at(-1)).toMatchObject({ status: 200, reason: "duplicate" });
    expect(receiver.log.at(-1)!.headers["webhook-id"]).toBe(delivery!.eventId);
    const replays = await handle.db
      .select()
      .from(webhookEventDeliveries)
      .where(eq(webhookEventDeliveries.replayOf, delivery!.id));
    expect(replays).toHaveLength(1);
    // A delivery id of another endpoint (or made up) is not found.
    const missing = await detail(endpointId, "action", cookies.admin, {
      intent: "replay",
      deliveryId: "00000000-0000-4000-8000-000000000000",
    });
    expect(missing.status).toBe(404);
  });

  it("pages the delivery log", async () => {
    const [event] = await handle.db.select().from(webhookEvents).limit(1);
    await handle.db.insert(webhookEventDeliveries).values(
      Array.from({ length: 25 }, (_, i) => ({
        eventId: event!.id,
        endpointId,
        collectivityId: commune.id,
        status: "failed" as const,
        createdAt: new Date(Date.now() - (i + 1) * 60_000),
      })),
    );
    const first = await detail(endpointId, "loader", cookies.admin);
    const second = await detail(endpointId, "loader", cookies.admin, undefined, { query: "?page=2" });
    const firstLog = (first.data as { log: { entries: { id: string }[]; pageCount: number; total: number } }).log;
    const secondLog = (second.data as { log: { entries: { id: string }[]; page: number } }).log;
    // Three tests and one replay so far, plus these 25.
    expect(firstLog.total).toBe(29);
    expect(firstLog.pageCount).toBe(2);
    expect(firstLog.entries).toHaveLength(20);
    expect(secondLog.page).toBe(2);
    expect(secondLog.entries).toHaveLength(9);
    const ids = new Set([...firstLog.entries, ...secondLog.entries].map((e) => e.id));
    expect(ids.size).toBe(29);
  });

  it("shows a disabled endpoint with its notice, and re-enables it", async () => {
    await handle.db
      .update(webhookEndpoints)
      .set({ status: "disabled", disabledReason: "failing_too_long" })
      .where(eq(webhookEndpoints.id, endpointId));
    const list = await index("loader", cookies.admin);
    expect(list.data).toMatchObject({
      endpoints: [{ status: "disabled", disabledNotice: expect.stringContaining("depuis plus de 3 jours") }],
    });
    // Its alert comes right under the h1: an h2, not an h3 that skips a level.
    const html = await renderRoute(indexRoute.default, list.data as object, base());
    expect(html).toContain(`<h2 class="fr-alert__title">Webhook désactivé : ${receiver.url}</h2>`);
    const answer = await detail(endpointId, "action", cookies.admin, { intent: "enable" });
    expect(answer.status).toBe(302);
    const after = await detail(endpointId, "loader", withCookies(cookies.admin, answer));
    expect(after.data).toMatchObject({ flash: { level: "success", message: expect.stringContaining("réactivé") } });
    const [row] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(row).toMatchObject({ status: "active", disabledReason: null });
  });

  it("answers 403 to a plain agent of the commune, on every loader and action", async () => {
    expect((await index("loader", cookies.agent)).status).toBe(403);
    expect(
      (await index("action", cookies.agent, createForm({ url: receiver.url, events: ["dossier.recu"] }))).status,
    ).toBe(403);
    expect((await detail(endpointId, "loader", cookies.agent)).status).toBe(403);
    for (const intent of ["test", "rotate", "delete", "delete-confirmed", "enable", "disable", "update"]) {
      expect((await detail(endpointId, "action", cookies.agent, { intent })).status).toBe(403);
    }
    expect(await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))).toHaveLength(1);
  });

  it("answers 404 to another commune's administrator, even through their own commune's address", async () => {
    expect((await detail(endpointId, "loader", cookies.otherAdmin)).status).toBe(404);
    const viaOwn = await detail(endpointId, "loader", cookies.otherAdmin, undefined, { siret: other.siret });
    expect(viaOwn.status).toBe(404);
    const actViaOwn = await detail(
      endpointId,
      "action",
      cookies.otherAdmin,
      { intent: "delete-confirmed" },
      { siret: other.siret },
    );
    expect(actViaOwn.status).toBe(404);
    expect((await detail("pas-un-uuid", "loader", cookies.admin)).status).toBe(404);
  });

  it("deletes the endpoint and audits every change", async () => {
    // The first click only asks for confirmation.
    const asked = await detail(endpointId, "action", cookies.admin, { intent: "delete" });
    expect(asked.data).toEqual({ kind: "confirm-delete" });
    expect(await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))).toHaveLength(1);
    // « Annuler » keeps it, and says so.
    const kept = await detail(endpointId, "action", cookies.admin, { intent: "keep" });
    const keptPage = await detail(endpointId, "loader", withCookies(cookies.admin, kept));
    expect(keptPage.data).toMatchObject({ flash: { level: "info", message: "Le webhook est conservé." } });
    const answer = await detail(endpointId, "action", cookies.admin, { intent: "delete-confirmed" });
    expect(answer).toMatchObject({ status: 302, location: base() });
    const list = await index("loader", withCookies(cookies.admin, answer));
    expect(list.data).toMatchObject({ endpoints: [], flash: { level: "success", message: "Webhook supprimé." } });
    expect(await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))).toEqual([]);
    const actions = (
      await handle.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.collectivityId, commune.id), eq(auditEvents.targetId, endpointId)))
        .orderBy(auditEvents.id)
    ).map((a) => a.action);
    expect(actions).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.tested",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.tested",
      "webhook_endpoint.tested",
      "webhook_delivery.replayed",
      "webhook_endpoint.enabled",
      "webhook_endpoint.deleted",
    ]);
  });
});
