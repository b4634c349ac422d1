import crypto from "node:crypto";
import net from "node:net";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import {
  WEBHOOK_EVENT_TYPES,
  webhookEndpoints,
  webhookEventDeliveries,
  webhookEvents,
  type AnyWebhookEventType,
  type WebhookEndpoint,
  type WebhookEventType,
} from "../../db/schema/index.ts";
import { recordAudit } from "~/audit/audit.server";
import { classifyAddress } from "./address-guard.server";
import { sealEndpointSecret } from "./endpoint-secrets.server";
import { emitTestPing } from "./outbox.server";
import { generateWebhookSecret } from "./signature.server";

/**
 * A commune's webhook endpoints as its administrators manage them. Every function takes the
 * commune's id and scopes its queries by it: an id of another commune is simply not found.
 */

/** How long the previous secret still signs deliveries after a rotation. */
export const SECRET_GRACE_PERIOD_MS = 24 * 3_600_000;
export const DELIVERIES_PAGE_SIZE = 20;
const MAX_ENDPOINTS_PER_COMMUNE = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string | undefined): value is string => typeof value === "string" && UUID.test(value);

export interface EndpointInput {
  url: string;
  description: string | null;
  events: WebhookEventType[];
}

export type EndpointInputResult =
  { ok: true; value: EndpointInput } | { ok: false; errors: Partial<Record<"url" | "description" | "events", string>> };

/** Checks what the administrator typed; French messages tied to the fields. */
export function parseEndpointInput(
  raw: { url: string; description: string; events: string[] },
  { demoMode }: { demoMode: boolean },
): EndpointInputResult {
  const errors: Partial<Record<"url" | "description" | "events", string>> = {};
  const url = raw.url.trim();
  let parsed: URL | null = null;
  if (!url) errors.url = "Saisissez l’adresse qui recevra les événements.";
  else if (url.length > 2000) errors.url = "Cette adresse est trop longue (2 000 caractères au plus).";
  else if (!URL.canParse(url))
    errors.url = "Saisissez une adresse complète, par exemple https://sig.mairie-exemple.fr/qf.";
  else parsed = new URL(url);
  if (parsed) {
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    if (parsed.protocol !== "https:" && !(demoMode && parsed.protocol === "http:")) {
      errors.url = demoMode
        ? "L’adresse doit commencer par https:// (ou http:// en démonstration)."
        : "L’adresse doit commencer par https://.";
    } else if (parsed.username || parsed.password) {
      errors.url = "L’adresse ne doit pas contenir d’identifiant ni de mot de passe : le secret signe chaque envoi.";
    } else if (parsed.hash) {
      errors.url = "L’adresse ne doit pas contenir de fragment (#…).";
    } else if (
      !demoMode &&
      (host === "localhost" || host.endsWith(".localhost") || (net.isIP(host) && !classifyAddress(host).allowed))
    ) {
      errors.url = "Cette adresse désigne un réseau privé ou local : seules les adresses publiques sont acceptées.";
    }
  }
  const description = raw.description.trim();
  if (description.length > 200) errors.description = "La description est trop longue (200 caractères au plus).";
  const events = [...new Set(raw.events)].filter((e): e is WebhookEventType =>
    (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e),
  );
  if (events.length === 0 || events.length !== new Set(raw.events).size) {
    errors.events = "Choisissez au moins un événement.";
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { url, description: description || null, events } };
}

interface Change {
  collectivityId: string;
  actor: string | null;
  requestId?: string | null;
}

export class TooManyEndpointsError extends Error {}

/** Creates the endpoint and its secret; the secret is returned once, to be shown once. */
export async function createEndpoint(
  db: Database,
  change: Change & { key: Buffer; input: EndpointInput },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const id = crypto.randomUUID();
  const secret = generateWebhookSecret();
  return db.transaction(async (t) => {
    const [{ n }] = await t
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.collectivityId, change.collectivityId));
    if (n >= MAX_ENDPOINTS_PER_COMMUNE) throw new TooManyEndpointsError();
    const [endpoint] = await t
      .insert(webhookEndpoints)
      .values({
        id,
        collectivityId: change.collectivityId,
        url: change.input.url,
        description: change.input.description,
        events: change.input.events,
        secretEncrypted: sealEndpointSecret(change.key, change.collectivityId, id, secret),
        createdBy: change.actor,
      })
      .returning();
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.created",
      targetType: "webhook_endpoint",
      targetId: id,
      details: { events: change.input.events },
    });
    return { endpoint: endpoint!, secret };
  });
}

export async function listEndpoints(db: Database, collectivityId: string): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.collectivityId, collectivityId))
    .orderBy(webhookEndpoints.createdAt);
}

export async function getEndpoint(db: Database, collectivityId: string, id: string): Promise<WebhookEndpoint | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.collectivityId, collectivityId)));
  return row ?? null;
}

/** New secret; the current one becomes the previous one and keeps signing for the grace period. */
export async function rotateEndpointSecret(
  db: Database,
  change: Change & { key: Buffer; endpoint: WebhookEndpoint; now?: Date },
): Promise<string> {
  const now = change.now ?? new Date();
  const secret = generateWebhookSecret();
  await db.transaction(async (t) => {
    await t
      .update(webhookEndpoints)
      .set({
        secretEncrypted: sealEndpointSecret(change.key, change.collectivityId, change.endpoint.id, secret),
        previousSecretEncrypted: change.endpoint.secretEncrypted,
        previousSecretExpiresAt: new Date(now.getTime() + SECRET_GRACE_PERIOD_MS),
        secretRotatedAt: now,
        updatedAt: now,
      })
      .where(
        and(eq(webhookEndpoints.id, change.endpoint.id), eq(webhookEndpoints.collectivityId, change.collectivityId)),
      );
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.secret_rotated",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
      details: { graceHours: SECRET_GRACE_PERIOD_MS / 3_600_000 },
    });
  });
  return secret;
}

export async function updateEndpointEvents(
  db: Database,
  change: Change & { endpoint: WebhookEndpoint; input: EndpointInput },
): Promise<void> {
  await db.transaction(async (t) => {
    await t
      .update(webhookEndpoints)
      .set({
        url: change.input.url,
        description: change.input.description,
        events: change.input.events,
        updatedAt: new Date(),
      })
      .where(
        and(eq(webhookEndpoints.id, change.endpoint.id), eq(webhookEndpoints.collectivityId, change.collectivityId)),
      );
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.updated",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
      details: { events: change.input.events, urlChanged: change.input.url !== change.endpoint.url },
    });
  });
}

export async function deleteEndpoint(db: Database, change: Change & { endpoint: WebhookEndpoint }): Promise<void> {
  await db.transaction(async (t) => {
    await t
      .delete(webhookEndpoints)
      .where(
        and(eq(webhookEndpoints.id, change.endpoint.id), eq(webhookEndpoints.collectivityId, change.collectivityId)),
      );
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.deleted",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
    });
  });
}

/** Back to active with a clean slate; deliveries held while it was disabled are due at once. */
export async function enableEndpoint(
  db: Database,
  change: Change & { endpoint: WebhookEndpoint; now?: Date },
): Promise<void> {
  const now = change.now ?? new Date();
  await db.transaction(async (t) => {
    await t
      .update(webhookEndpoints)
      .set({
        status: "active",
        disabledReason: null,
        disabledAt: null,
        consecutiveFailures: 0,
        failingSince: null,
        updatedAt: now,
      })
      .where(
        and(eq(webhookEndpoints.id, change.endpoint.id), eq(webhookEndpoints.collectivityId, change.collectivityId)),
      );
    await t
      .update(webhookEventDeliveries)
      .set({ nextAttemptAt: now })
      .where(
        and(eq(webhookEventDeliveries.endpointId, change.endpoint.id), eq(webhookEventDeliveries.status, "pending")),
      );
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.enabled",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
    });
  });
}

/** An administrator's "Désactiver": the endpoint stops receiving events until re-enabled. */
export async function disableEndpoint(
  db: Database,
  change: Change & { endpoint: WebhookEndpoint; now?: Date },
): Promise<void> {
  const now = change.now ?? new Date();
  await db.transaction(async (t) => {
    await t
      .update(webhookEndpoints)
      .set({ status: "disabled", disabledReason: "admin", disabledAt: now, updatedAt: now })
      .where(
        and(eq(webhookEndpoints.id, change.endpoint.id), eq(webhookEndpoints.collectivityId, change.collectivityId)),
      );
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.disabled",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
      details: { reason: "admin" },
    });
  });
}

export interface DeliveryLogEntry {
  id: string;
  eventId: string;
  eventType: AnyWebhookEventType;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  createdAt: Date;
  replayOf: string | null;
}

/** One page of an endpoint's deliveries, most recent first. */
export async function listDeliveries(
  db: Database,
  collectivityId: string,
  endpointId: string,
  page: number,
): Promise<{ entries: DeliveryLogEntry[]; total: number; page: number; pageCount: number }> {
  const scope = and(
    eq(webhookEventDeliveries.endpointId, endpointId),
    eq(webhookEventDeliveries.collectivityId, collectivityId),
  );
  const [{ total }] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(webhookEventDeliveries)
    .where(scope);
  const pageCount = Math.max(1, Math.ceil(total / DELIVERIES_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const entries = await db
    .select({
      id: webhookEventDeliveries.id,
      eventId: webhookEventDeliveries.eventId,
      eventType: webhookEvents.type,
      status: webhookEventDeliveries.status,
      attempts: webhookEventDeliveries.attempts,
      lastResponseStatus: webhookEventDeliveries.lastResponseStatus,
      lastError: webhookEventDeliveries.lastError,
      lastAttemptAt: webhookEventDeliveries.lastAttemptAt,
      nextAttemptAt: webhookEventDeliveries.nextAttemptAt,
      createdAt: webhookEventDeliveries.createdAt,
      replayOf: webhookEventDeliveries.replayOf,
    })
    .from(webhookEventDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookEventDeliveries.eventId))
    .where(scope)
    .orderBy(desc(webhookEventDeliveries.createdAt), desc(webhookEventDeliveries.id))
    .limit(DELIVERIES_PAGE_SIZE)
    .offset((current - 1) * DELIVERIES_PAGE_SIZE);
  return { entries, total, page: current, pageCount };
}

/**
 * Queues the same event (same id, same body) again for the endpoint, as a new delivery with
 * fresh attempts. Returns null when the delivery is not this endpoint's (or not this commune's).
 */
export async function replayDelivery(
  db: Database,
  change: Change & { endpoint: WebhookEndpoint; deliveryId: string; now?: Date },
): Promise<string | null> {
  if (!isUuid(change.deliveryId)) return null;
  const now = change.now ?? new Date();
  return db.transaction(async (t) => {
    const [original] = await t
      .select()
      .from(webhookEventDeliveries)
      .where(
        and(
          eq(webhookEventDeliveries.id, change.deliveryId),
          eq(webhookEventDeliveries.endpointId, change.endpoint.id),
          eq(webhookEventDeliveries.collectivityId, change.collectivityId),
        ),
      );
    if (!original) return null;
    const [replay] = await t
      .insert(webhookEventDeliveries)
      .values({
        eventId: original.eventId,
        endpointId: original.endpointId,
        collectivityId: original.collectivityId,
        replayOf: original.id,
        nextAttemptAt: now,
        createdAt: now,
      })
      .returning({ id: webhookEventDeliveries.id });
    await recordAudit(t, {
      ...change,
      action: "webhook_delivery.replayed",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
      details: { deliveryId: original.id, replayId: replay!.id, eventId: original.eventId },
    });
    return replay!.id;
  });
}

/** Queues a test.ping for the endpoint; returns the delivery's id. */
export async function queueTestPing(
  db: Database,
  change: Change & { endpoint: WebhookEndpoint; now?: Date },
): Promise<string> {
  return db.transaction(async (t) => {
    const { eventId } = await emitTestPing(t, change.collectivityId, change.endpoint.id, change.now);
    const [delivery] = await t
      .select({ id: webhookEventDeliveries.id })
      .from(webhookEventDeliveries)
      .where(eq(webhookEventDeliveries.eventId, eventId));
    await recordAudit(t, {
      ...change,
      action: "webhook_endpoint.tested",
      targetType: "webhook_endpoint",
      targetId: change.endpoint.id,
      details: { eventId },
    });
    return delivery!.id;
  });
}
