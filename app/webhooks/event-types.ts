/*
 * Not a .server module, and free of drizzle: the portal's forms render these in the browser.
 * The one list of event types: db/schema/outgoing-webhooks.ts types its columns with it.
 */

/** Events an endpoint can subscribe to; "test.ping" is only ever sent on demand to one endpoint. */
export const WEBHOOK_EVENT_TYPES = ["dossier.recu", "qf.mis_a_jour", "campagne.terminee"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WEBHOOK_ALL_EVENT_TYPES = [...WEBHOOK_EVENT_TYPES, "test.ping"] as const;
export type AnyWebhookEventType = (typeof WEBHOOK_ALL_EVENT_TYPES)[number];

/** French labels for the portal. */
export const WEBHOOK_EVENT_LABELS: Record<AnyWebhookEventType, string> = {
  "dossier.recu": "Dossier reçu",
  "qf.mis_a_jour": "QF mis à jour",
  "campagne.terminee": "Campagne de mise à jour terminée",
  "test.ping": "Test",
};
