import crypto from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { tmpdir } from "node:os";
import path from "node:path";
import { selfSignedCertificate } from "../helpers/self-signed-certificate.ts";
import { eq } from "drizzle-orm";
import { Webhook as StandardWebhook, WebhookVerificationError } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  webhookEndpoints,
  webhookEventDeliveries,
  webhookEvents,
  type WebhookEventType,
} from "../../db/schema/index.ts";
import {
  deliverDueWebhooks,
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  purgeWebhookEvents,
  WEBHOOK_MAX_ATTEMPTS,
  webhookRetryDelay,
  type WebhookDeliveryDeps,
} from "../../app/webhooks/delivery.server.ts";
import {
  createEndpoint,
  enableEndpoint,
  getEndpoint,
  replayDelivery,
  rotateEndpointSecret,
} from "../../app/webhooks/endpoints.server.ts";
import { WEBHOOK_SCHEMAS } from "../../app/webhooks/event-schemas.ts";
import { emitWebhookEvent } from "../../app/webhooks/outbox.server.ts";
import { campaignResults, type EventInput } from "../../app/webhooks/payloads.ts";
import { loader as schemaLoader } from "../../app/routes/api.schemas.webhooks.$event.ts";
import { addMember, createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { ROOT } from "../helpers/app-process.ts";
import { createTestDatabase } from "../helpers/test-database.ts";
import { parseConfig } from "../../app/config.server.ts";
import { keyFromBase64 } from "../../app/utils/encryption.server.ts";
import { deliverWebhooksJob } from "../../jobs/deliver-webhooks.ts";
import { schemaErrors, startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const key = crypto.randomBytes(32);
let handle: DatabaseHandle;
let seed = 700;
let receiver: WebhookReceiver;
let adminId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  const admin = await createAgent(handle.db, { email: "admin-webhooks@example.fr" });
  adminId = admin.id;
});

afterAll(async () => {
  await handle?.close();
});

afterEach(async () => {
  await receiver?.close();
});

const deps = (extra: Partial<WebhookDeliveryDeps> = {}): WebhookDeliveryDeps => ({
  db: handle.db,
  encryptionKey: key,
  allowPrivate: true,
  timeoutMs: 2_000,
  ...extra,
});

async function communeWithEndpoint(url: string, events: WebhookEventType[] = ["dossier.recu", "qf.mis_a_jour"]) {
  const commune = await createCommune(handle.db, `Commune ${++seed}`, seed);
  await addMember(handle.db, adminId, commune.id, "admin");
  const { endpoint, secret } = await createEndpoint(handle.db, {
    collectivityId: commune.id,
    actor: adminId,
    key,
    input: { url, description: null, events },
  });
  return { commune, endpoint, secret };
}

const sampleQf: EventInput = {
  type: "qf.mis_a_jour",
  data: {
    dossier_id: crypto.randomUUID(),
    ancienne_valeur: 1200,
    nouveau: { valeur: 1350, annee: 2026, mois: 1, fournisseur: "CNAF" },
    origine: "mise_a_jour_annuelle",
    campagne_id: crypto.randomUUID(),
  },
};

const deliveriesOf = (endpointId: string) =>
  handle.db.select().from(webhookEventDeliveries).where(eq(webhookEventDeliveries.endpointId, endpointId));

describe("signed delivery to an independent receiver", () => {
  it("delivers a payload the receiver verifies (Standard Webhooks: HMAC of id.timestamp.body), with its headers", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint, secret } = await communeWithEndpoint(receiver.url);
    receiver.secrets.push(secret);
    const emitted = await handle.db.transaction((tx) =>
      emitWebhookEvent(tx as never, commune.id, sampleQf, new Date()),
    );
    expect(emitted).toMatchObject({ deliveries: 1 });

    const counts = await deliverDueWebhooks(deps());
    expect(counts).toMatchObject({ delivered: 1, retry_scheduled: 0, failed: 0 });
    expect(receiver.accepted).toHaveLength(1);
    const received = receiver.accepted[0]!;
    expect(received.id).toBe(emitted!.eventId);
    expect(received.type).toBe("qf.mis_a_jour");
    expect(received.signatures).toHaveLength(1);
    expect(received.payload).toMatchObject({
      version: 1,
      id: emitted!.eventId,
      type: "qf.mis_a_jour",
      commune: { siret: commune.siret, code_cog: commune.codeCog },
      data: sampleQf.data,
    });
    expect(schemaErrors(received.payload)).toEqual([]);

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastResponseStatus: 204, lockedUntil: null });
    const [after] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(after!.lastSuccessAt).not.toBeNull();
    // The secret is stored sealed, never in clear.
    expect(after!.secretEncrypted).not.toContain(secret);
    // Standard Webhooks secrets: whsec_ and 32 bytes in base64.
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
  });

  it("lets the receiver refuse a forged body, a stale timestamp and an already processed id", async () => {
    receiver = await startWebhookReceiver();
    const { commune, secret } = await communeWithEndpoint(receiver.url);
    receiver.secrets.push(secret);
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    await deliverDueWebhooks(deps());
    expect(receiver.accepted).toHaveLength(1);
    const original = receiver.log.at(-1)!;

    const resend = (headers: http.IncomingHttpHeaders, body: string) =>
      fetch(receiver.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "webhook-id": String(headers["webhook-id"]),
          "webhook-timestamp": String(headers["webhook-timestamp"]),
          "webhook-signature": String(headers["webhook-signature"]),
        },
        body,
      }).then(async (r) => ({ status: r.status, text: await r.text() }));

    // Same request captured and sent again at once: the id was processed, nothing happens twice.
    expect(await resend(original.headers, original.body)).toEqual({ status: 200, text: "duplicate" });
    // Body altered: the signature no longer matches.
    expect((await resend(original.headers, original.body.replace("1350", "9999"))).status).toBe(401);
    // Replayed at once under a new id: the id is signed, so the signature no longer matches.
    expect(await resend({ ...original.headers, "webhook-id": crypto.randomUUID() }, original.body)).toEqual({
      status: 401,
      text: "bad signature",
    });
    // Captured and replayed an hour later: refused on its timestamp.
    receiver.clock = () => Math.floor(Date.now() / 1000) + 3600;
    expect(await resend(original.headers, original.body)).toEqual({ status: 400, text: "stale timestamp" });
    // A timestamp changed to look fresh breaks the signature.
    const forged = { ...original.headers, "webhook-timestamp": String(receiver.clock()) };
    expect((await resend(forged, original.body)).status).toBe(401);
    expect(receiver.accepted).toHaveLength(1);
  });

  it("is verified by the README's example, as a commune would copy it", async () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Webhooks\n"));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toContain("export function verifierWebhook");
    const dir = mkdtempSync(path.join(tmpdir(), "readme-webhook-"));
    const file = path.join(dir, "verify.mjs");
    writeFileSync(file, code!);
    const { verifierWebhook } = (await import(/* @vite-ignore */ file)) as {
      verifierWebhook: (headers: http.IncomingHttpHeaders, body: string, secret: string, seen: Set<unknown>) => string;
    };

    receiver = await startWebhookReceiver();
    const { commune, endpoint, secret } = await communeWithEndpoint(receiver.url);
    receiver.secrets.push(secret);
    await rotateEndpointSecret(handle.db, { collectivityId: commune.id, actor: adminId, key, endpoint });
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    await deliverDueWebhooks(deps());
    const { headers, body } = receiver.log[0]!;
    const seen = new Set();
    // Signed with the new and the old secret: the old one (the receiver's) still verifies.
    expect(verifierWebhook(headers, body, secret, seen)).toBe("ok");
    expect(verifierWebhook(headers, body, secret, seen)).toBe("déjà traité");
    expect(verifierWebhook(headers, body.replace("1350", "1"), secret, new Set())).toBe("signature invalide");
    expect(verifierWebhook(headers, body, "whsec_autre", new Set())).toBe("signature invalide");
    const stale = { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) - 600) };
    expect(verifierWebhook(stale, body, secret, new Set())).toBe("périmé");
  });

  it("is accepted by the Standard Webhooks reference verifier, which refuses a replay under another id", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint, secret } = await communeWithEndpoint(receiver.url);
    receiver.secrets.push(secret);
    await rotateEndpointSecret(handle.db, { collectivityId: commune.id, actor: adminId, key, endpoint });
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    await deliverDueWebhooks(deps());
    const { headers, body } = receiver.log.at(-1)!;
    const asRecord = (h: http.IncomingHttpHeaders) =>
      Object.fromEntries(Object.entries(h).map(([name, value]) => [name, String(value)]));
    // The library, keyed with the secret the administrator copied (the previous one, during the grace period).
    const verifier = new StandardWebhook(secret);
    expect(verifier.verify(body, asRecord(headers))).toMatchObject({ type: "qf.mis_a_jour", data: sampleQf.data });
    expect(() => verifier.verify(body, asRecord({ ...headers, "webhook-id": crypto.randomUUID() }))).toThrow(
      WebhookVerificationError,
    );
    expect(() => verifier.verify(body.replace("1350", "1"), asRecord(headers))).toThrow(WebhookVerificationError);
    expect(() =>
      new StandardWebhook(`whsec_${crypto.randomBytes(32).toString("base64")}`).verify(body, asRecord(headers)),
    ).toThrow(WebhookVerificationError);
  });

  it("signs with both secrets during the grace period after a rotation, then with the new one only", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint, secret: oldSecret } = await communeWithEndpoint(receiver.url);
    const now = new Date();
    const newSecret = await rotateEndpointSecret(handle.db, {
      collectivityId: commune.id,
      actor: adminId,
      key,
      endpoint,
      now,
    });
    expect(newSecret).not.toBe(oldSecret);

    // A receiver still configured with the old secret accepts, and so does one with the new secret.
    receiver.secrets = [oldSecret];
    await emitWebhookEvent(handle.db, commune.id, sampleQf, now);
    await deliverDueWebhooks(deps({ now: () => now }));
    receiver.secrets = [newSecret];
    await emitWebhookEvent(handle.db, commune.id, sampleQf, now);
    await deliverDueWebhooks(deps({ now: () => now }));
    expect(receiver.accepted.map((r) => r.verifiedWith)).toEqual([0, 0]);
    const header = String(receiver.log[0]!.headers["webhook-signature"]);
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);

    // 25 hours later the old secret no longer signs: a receiver that kept it refuses.
    const later = new Date(now.getTime() + 25 * 3_600_000);
    receiver.secrets = [oldSecret];
    receiver.clock = () => Math.floor(later.getTime() / 1000);
    await emitWebhookEvent(handle.db, commune.id, sampleQf, later);
    await deliverDueWebhooks(deps({ now: () => later }));
    expect(receiver.log.at(-1)!.status).toBe(401);
    expect(String(receiver.log.at(-1)!.headers["webhook-signature"])).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, endpoint.id));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["webhook_endpoint.created", "webhook_endpoint.secret_rotated"]),
    );
  });

  it("does not follow redirects", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint } = await communeWithEndpoint(receiver.url);
    receiver.forceStatus = 302;
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    expect(await deliverDueWebhooks(deps())).toMatchObject({ retry_scheduled: 1 });
    expect(receiver.log).toHaveLength(1);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", lastResponseStatus: 302 });
    expect(delivery!.lastError).toContain("redirection");
  });
});

describe("retries, final failure and disabling", () => {
  it("spreads 12 attempts over about a day with jittered exponential delays", () => {
    const low = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => webhookRetryDelay(i + 1, () => 0));
    const high = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => webhookRetryDelay(i + 1, () => 1));
    for (let i = 1; i < low.length; i++) expect(high[i]!).toBeGreaterThanOrEqual(high[i - 1]!);
    expect(low[0]).toBe(30_000);
    expect(high[0]).toBe(60_000);
    const hours = (delays: number[]) => delays.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(hours(low)).toBeGreaterThan(12);
    expect(hours(high)).toBeGreaterThan(24);
    expect(hours(high)).toBeLessThan(26);
  });

  it("retries a failing endpoint with growing delays, then records the final failure", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint, secret } = await communeWithEndpoint(receiver.url);
    receiver.secrets.push(secret);
    receiver.forceStatus = 503;
    const start = new Date("2026-03-02T08:00:00Z");
    await emitWebhookEvent(handle.db, commune.id, sampleQf, start);

    let clock = start;
    const gaps: number[] = [];
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      // Not due before its time: a run just before it sends nothing.
      const [pending] = await deliveriesOf(endpoint.id);
      const justBefore = new Date(pending!.nextAttemptAt.getTime() - 1);
      if (attempt > 1) {
        expect(await deliverDueWebhooks(deps({ now: () => justBefore, random: () => 0.5 }))).toMatchObject({
          retry_scheduled: 0,
          failed: 0,
        });
      }
      clock = pending!.nextAttemptAt;
      const counts = await deliverDueWebhooks(deps({ now: () => clock, random: () => 0.5 }));
      expect(counts[attempt < WEBHOOK_MAX_ATTEMPTS ? "retry_scheduled" : "failed"]).toBe(1);
      const [after] = await deliveriesOf(endpoint.id);
      expect(after!.attempts).toBe(attempt);
      expect(after!.lastResponseStatus).toBe(503);
      if (attempt < WEBHOOK_MAX_ATTEMPTS) gaps.push(after!.nextAttemptAt.getTime() - clock.getTime());
    }
    expect(receiver.log).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!);
    const totalHours = (clock.getTime() - start.getTime()) / 3_600_000;
    expect(totalHours).toBeGreaterThan(18);
    expect(totalHours).toBeLessThan(26);

    const [final] = await deliveriesOf(endpoint.id);
    expect(final).toMatchObject({ status: "failed", attempts: WEBHOOK_MAX_ATTEMPTS });
    expect(final!.failedAt).not.toBeNull();
    const [ep] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(ep).toMatchObject({ status: "active", consecutiveFailures: 1 });
    // Nothing is sent again afterwards.
    const far = new Date(clock.getTime() + 48 * 3_600_000);
    expect(await deliverDueWebhooks(deps({ now: () => far }))).toMatchObject({ retry_scheduled: 0, failed: 0 });

    // The administrator replays it once the receiver is fixed: same event id, fresh attempts.
    receiver.forceStatus = null;
    const replayId = await replayDelivery(handle.db, {
      collectivityId: commune.id,
      actor: adminId,
      endpoint,
      deliveryId: final!.id,
      now: far,
    });
    expect(replayId).not.toBeNull();
    receiver.clock = () => Math.floor(far.getTime() / 1000);
    expect(await deliverDueWebhooks(deps({ now: () => far }))).toMatchObject({ delivered: 1 });
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]!.id).toBe(final!.eventId);
    const [epAfter] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(epAfter).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });

  it("disables an endpoint after consecutive final failures, holds its deliveries, and resumes when re-enabled", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint, secret } = await communeWithEndpoint(receiver.url);
    receiver.secrets.push(secret);
    receiver.forceStatus = 500;
    const now = new Date();
    // Deliveries already on their last attempt: each run ends one of them "failed".
    for (let i = 0; i < DISABLE_AFTER_CONSECUTIVE_FAILURES; i++) {
      const emitted = await emitWebhookEvent(handle.db, commune.id, sampleQf, now);
      await handle.db
        .update(webhookEventDeliveries)
        .set({ attempts: WEBHOOK_MAX_ATTEMPTS - 1 })
        .where(eq(webhookEventDeliveries.eventId, emitted!.eventId));
    }
    expect(await deliverDueWebhooks(deps({ now: () => now }))).toMatchObject({
      failed: DISABLE_AFTER_CONSECUTIVE_FAILURES,
    });
    const disabled = (await getEndpoint(handle.db, commune.id, endpoint.id))!;
    expect(disabled).toMatchObject({ status: "disabled", disabledReason: "consecutive_failures" });
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, endpoint.id));
    expect(audit.filter((a) => a.action === "webhook_endpoint.disabled")).toHaveLength(1);

    // A disabled endpoint gets no new event, and what was pending waits.
    expect(await emitWebhookEvent(handle.db, commune.id, sampleQf, now)).toBeNull();
    const [anEvent] = await deliveriesOf(endpoint.id);
    await handle.db
      .insert(webhookEventDeliveries)
      .values({ eventId: anEvent!.eventId, endpointId: endpoint.id, collectivityId: commune.id, nextAttemptAt: now });
    receiver.forceStatus = null;
    const sent = receiver.log.length;
    expect(await deliverDueWebhooks(deps())).toMatchObject({ delivered: 0 });
    expect(receiver.log).toHaveLength(sent);

    await enableEndpoint(handle.db, { collectivityId: commune.id, actor: adminId, endpoint: disabled });
    expect(await deliverDueWebhooks(deps())).toMatchObject({ delivered: 1 });
    expect((await getEndpoint(handle.db, commune.id, endpoint.id))!).toMatchObject({
      status: "active",
      consecutiveFailures: 0,
    });
  });

  it("disables an endpoint whose every attempt has failed for 3 days", async () => {
    receiver = await startWebhookReceiver();
    const { commune, endpoint } = await communeWithEndpoint(receiver.url);
    receiver.forceStatus = 500;
    const start = new Date("2026-04-01T08:00:00Z");
    await emitWebhookEvent(handle.db, commune.id, sampleQf, start);
    await deliverDueWebhooks(deps({ now: () => start }));
    expect((await getEndpoint(handle.db, commune.id, endpoint.id))!.failingSince).toEqual(start);

    // Two days later, still failing: still active.
    const twoDays = new Date(start.getTime() + 2 * 24 * 3_600_000);
    await emitWebhookEvent(handle.db, commune.id, sampleQf, twoDays);
    await deliverDueWebhooks(deps({ now: () => twoDays }));
    expect((await getEndpoint(handle.db, commune.id, endpoint.id))!.status).toBe("active");

    const threeDays = new Date(start.getTime() + 3 * 24 * 3_600_000 + 60_000);
    await emitWebhookEvent(handle.db, commune.id, sampleQf, threeDays);
    await deliverDueWebhooks(deps({ now: () => threeDays }));
    expect((await getEndpoint(handle.db, commune.id, endpoint.id))!).toMatchObject({
      status: "disabled",
      disabledReason: "failing_too_long",
    });
  });
});

describe("server-side request forgery guard", () => {
  it("refuses a loopback address and plain http in production mode (the worker job), without any request", async () => {
    receiver = await startWebhookReceiver();
    const demoConfig = parseConfig({ NODE_ENV: "test" });
    const production = { ...demoConfig, demoMode: false };
    // The job seals and opens secrets with the configured key.
    const configuredKey = keyFromBase64(demoConfig.ENCRYPTION_KEY);
    await handle.db
      .update(webhookEventDeliveries)
      .set({ status: "failed" })
      .where(eq(webhookEventDeliveries.status, "pending"));
    const commune = await createCommune(handle.db, `Commune ${++seed}`, seed);
    const port = new URL(receiver.url).port;
    const endpoints = [];
    for (const url of [`https://127.0.0.1:${port}/hook`, receiver.url, `https://[::ffff:127.0.0.1]:${port}/hook`]) {
      const { endpoint } = await createEndpoint(handle.db, {
        collectivityId: commune.id,
        actor: adminId,
        key: configuredKey,
        input: { url, description: null, events: ["qf.mis_a_jour"] },
      });
      endpoints.push(endpoint);
    }
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    expect(await deliverWebhooksJob({ db: handle.db, config: production })).toMatchObject({ failed: 3 });
    expect(receiver.log).toHaveLength(0);
    const errors = [];
    for (const endpoint of endpoints) {
      const [delivery] = await deliveriesOf(endpoint.id);
      expect(delivery).toMatchObject({ status: "failed", lastResponseStatus: null, attempts: 1 });
      errors.push(delivery!.lastError);
    }
    expect(errors).toEqual([
      "adresse refusée : adresse de bouclage",
      "seules les URL https:// sont acceptées",
      "adresse refusée : adresse IPv4 transposée",
    ]);
  });

  it("refuses a name resolving to a private address (checked before connecting)", async () => {
    const { commune, endpoint } = await communeWithEndpoint("https://hooks.mairie-exemple.fr/qf");
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    const resolved: string[] = [];
    const resolver = async (host: string) => {
      resolved.push(host);
      return [{ address: "10.20.30.40", family: 4 }];
    };
    expect(await deliverDueWebhooks(deps({ allowPrivate: false, resolver }))).toMatchObject({ failed: 1 });
    expect(resolved).toEqual(["hooks.mairie-exemple.fr"]);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery!.lastError).toBe("adresse refusée : adresse privée");
  });

  it("connects to the checked address, not to a second resolution of the name", async () => {
    receiver = await startWebhookReceiver();
    const port = new URL(receiver.url).port;
    // The name is unknown to the system resolver: only our checked answer can have been used.
    const { commune, secret } = await communeWithEndpoint(`http://webhooks.invalid:${port}/hook`);
    receiver.secrets.push(secret);
    await emitWebhookEvent(handle.db, commune.id, sampleQf);
    const resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    expect(await deliverDueWebhooks(deps({ resolver }))).toMatchObject({ delivered: 1 });
    expect(receiver.log[0]!.headers.host).toBe(`webhooks.invalid:${port}`);
  });

  it("speaks TLS to the checked address with the name for SNI, and verifies the certificate", async () => {
    const { key, cert } = selfSignedCertificate("hooks.mairie-exemple.fr");
    const credentials = { key, cert };
    const sni: string[] = [];
    const server = https.createServer(
      {
        ...credentials,
        SNICallback: (name, callback) => {
          sni.push(name);
          callback(null, tls.createSecureContext(credentials));
        },
      },
      (_request, response) => response.writeHead(204).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { commune, endpoint } = await communeWithEndpoint(`https://hooks.mairie-exemple.fr:${port}/hook`);
      await emitWebhookEvent(handle.db, commune.id, sampleQf);
      const resolver = async () => [{ address: "127.0.0.1", family: 4 }];
      // A self-signed certificate is not trusted: the attempt fails, nothing is sent.
      expect(await deliverDueWebhooks(deps({ resolver }))).toMatchObject({ retry_scheduled: 1 });
      expect(sni).toEqual(["hooks.mairie-exemple.fr"]);
      const [delivery] = await deliveriesOf(endpoint.id);
      expect(delivery!.lastError).toMatch(/SELF_SIGNED/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("gives up after the timeout on an endpoint that never answers", async () => {
    const silent = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const { commune, endpoint } = await communeWithEndpoint(`http://127.0.0.1:${port}/`);
      await emitWebhookEvent(handle.db, commune.id, sampleQf);
      const started = Date.now();
      expect(await deliverDueWebhooks(deps({ timeoutMs: 300 }))).toMatchObject({ retry_scheduled: 1 });
      expect(Date.now() - started).toBeLessThan(2_000);
      const [delivery] = await deliveriesOf(endpoint.id);
      expect(delivery!.lastError).toContain("pas de réponse");
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe("outbox and schemas", () => {
  it("writes nothing when no endpoint of the commune listens to the event", async () => {
    const { commune } = await communeWithEndpoint("http://127.0.0.1:9/", ["campagne.terminee"]);
    expect(await emitWebhookEvent(handle.db, commune.id, sampleQf)).toBeNull();
    const other = await createCommune(handle.db, "Sans webhook", ++seed);
    expect(await emitWebhookEvent(handle.db, other.id, sampleQf)).toBeNull();
    const events = await handle.db.select().from(webhookEvents).where(eq(webhookEvents.collectivityId, other.id));
    expect(events).toEqual([]);
  });

  it("rolls the event back with the transaction that emitted it", async () => {
    const { commune } = await communeWithEndpoint("http://127.0.0.1:9/");
    await expect(
      handle.db.transaction(async (tx) => {
        await emitWebhookEvent(tx as never, commune.id, sampleQf);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const events = await handle.db.select().from(webhookEvents).where(eq(webhookEvents.collectivityId, commune.id));
    expect(events).toEqual([]);
  });

  it("builds payloads every JSON Schema accepts, and the schemas refuse a wrong payload", () => {
    const base = {
      version: 1,
      id: crypto.randomUUID(),
      cree_le: new Date().toISOString(),
      commune: { siret: "21490007800012", code_cog: "49007" },
    };
    const campaign = {
      ...base,
      type: "campagne.terminee",
      data: {
        campagne_id: crypto.randomUUID(),
        annee: 2026,
        mois: 1,
        declenchement: "planifie",
        termine_le: new Date().toISOString(),
        total: 3,
        resultats: campaignResults({ updated: 1, unchanged: 1, failed: 1 }),
      },
    };
    expect(schemaErrors(campaign)).toEqual([]);
    expect(schemaErrors({ ...base, ...sampleQf })).toEqual([]);
    expect(schemaErrors({ ...campaign, version: 2 })).not.toEqual([]);
    expect(schemaErrors({ ...base, ...sampleQf, data: { ...sampleQf.data, nouveau: null } })).not.toEqual([]);
    expect(schemaErrors({ ...campaign, data: { ...campaign.data, secret: "x" } })).not.toEqual([]);
  });

  it("serves each schema at /api/schemas/webhooks/<event>.json, and 404 for an unknown one", async () => {
    for (const type of Object.keys(WEBHOOK_SCHEMAS)) {
      const response = schemaLoader({ params: { event: `${type}.json` } } as never);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toContain("application/schema+json");
      const schema = (await response.json()) as { $id: string; properties: { type: { const: string } } };
      expect(schema.properties.type.const).toBe(type);
      expect(schema.$id).toContain(`/api/schemas/webhooks/${type}.json`);
    }
    expect(schemaLoader({ params: { event: "toString.json" } } as never).status).toBe(404);
    expect(schemaLoader({ params: { event: "dossier.recu" } } as never).status).toBe(404);
  });

  it("purges events past their retention once no delivery is pending", async () => {
    const { commune } = await communeWithEndpoint("http://127.0.0.1:9/");
    const old = new Date(Date.now() - 40 * 24 * 3_600_000);
    const kept = await emitWebhookEvent(handle.db, commune.id, sampleQf, old);
    const done = await emitWebhookEvent(handle.db, commune.id, sampleQf, old);
    const recent = await emitWebhookEvent(handle.db, commune.id, sampleQf);
    await handle.db
      .update(webhookEventDeliveries)
      .set({ status: "failed" })
      .where(eq(webhookEventDeliveries.eventId, done!.eventId));
    await purgeWebhookEvents(handle.db);
    const remaining = async () =>
      (
        await handle.db
          .select({ id: webhookEvents.id })
          .from(webhookEvents)
          .where(eq(webhookEvents.collectivityId, commune.id))
      )
        .map((r) => r.id)
        .sort();
    expect(await remaining()).toEqual([kept!.eventId, recent!.eventId].sort());
    // Held for an endpoint disabled that long: dropped too.
    await handle.db
      .update(webhookEndpoints)
      .set({ status: "disabled" })
      .where(eq(webhookEndpoints.collectivityId, commune.id));
    await purgeWebhookEvents(handle.db);
    expect(await remaining()).toEqual([recent!.eventId]);
  });
});
