import crypto from "node:crypto";
import { eq, sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "../../db/client.ts";
import {
  collectivities,
  webhookEventDeliveries,
  webhookEvents,
  type AnyWebhookEventType,
} from "../../db/schema/index.ts";
import { WEBHOOK_PAYLOAD_VERSION } from "./event-schemas";
import type { EventInput, WebhookDataByType, WebhookPayload } from "./payloads";

/**
 * The durable outbox of outgoing webhooks. Emitting only writes rows, in the caller's
 * transaction: the change and its event commit together or not at all, and no HTTP call ever
 * runs inside the flow that emits (the worker delivers later, see delivery.server.ts).
 */

/**
 * The endpoints an event reaches: active, of the commune, subscribed to its type. One query for
 * emitWebhookEvent and for statements that must know without emitting (the campaign worker
 * records a QF in one statement only when no event goes with it).
 */
function listeningEndpointsSql(collectivityId: SQL, type: AnyWebhookEventType): SQL {
  return sql`select e.id from webhook_endpoints e
    where e.collectivity_id = ${collectivityId} and e.status = 'active'
      and e.events @> ${JSON.stringify([type])}::jsonb`;
}

/** SQL condition: the commune has an endpoint that an event of this type would reach. */
export function activeEndpointListensSql(collectivityId: SQL, type: AnyWebhookEventType): SQL {
  return sql`exists (${listeningEndpointsSql(collectivityId, type)})`;
}

export interface EmittedEvent {
  eventId: string;
  deliveries: number;
}

/**
 * Writes the event and one pending delivery per active endpoint of the commune subscribed to
 * its type. Nothing is written when no endpoint listens: no personal data is kept for nobody.
 */
export async function emitWebhookEvent(
  db: Database,
  collectivityId: string,
  event: EventInput,
  now: Date = new Date(),
): Promise<EmittedEvent | null> {
  const endpoints = await queryRows<{ id: string }>(
    db,
    listeningEndpointsSql(sql`${collectivityId}::uuid`, event.type),
  );
  if (endpoints.length === 0) return null;
  return writeEvent(
    db,
    collectivityId,
    event.type,
    event.data,
    endpoints.map((e) => e.id),
    now,
  );
}

/** A test.ping to one endpoint (active or not: the administrator checks it before re-enabling). */
export async function emitTestPing(db: Database, collectivityId: string, endpointId: string, now = new Date()) {
  return writeEvent(
    db,
    collectivityId,
    "test.ping",
    { point_de_terminaison_id: endpointId, message: "Événement de test envoyé depuis Portail QF." },
    [endpointId],
    now,
  );
}

async function writeEvent<T extends AnyWebhookEventType>(
  db: Database,
  collectivityId: string,
  type: T,
  data: WebhookDataByType[T],
  endpointIds: string[],
  now: Date,
): Promise<EmittedEvent> {
  const [commune] = await db
    .select({ siret: collectivities.siret, codeCog: collectivities.codeCog })
    .from(collectivities)
    .where(eq(collectivities.id, collectivityId));
  if (!commune) throw new Error(`Collectivité ${collectivityId} introuvable`);
  const id = crypto.randomUUID();
  const payload: WebhookPayload<T> = {
    version: WEBHOOK_PAYLOAD_VERSION,
    id,
    type,
    cree_le: now.toISOString(),
    commune: { siret: commune.siret, code_cog: commune.codeCog },
    data,
  };
  await db.insert(webhookEvents).values({ id, collectivityId, type, body: JSON.stringify(payload), createdAt: now });
  await db
    .insert(webhookEventDeliveries)
    .values(endpointIds.map((endpointId) => ({ eventId: id, endpointId, collectivityId, nextAttemptAt: now })));
  return { eventId: id, deliveries: endpointIds.length };
}
