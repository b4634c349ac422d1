import { randomUUID } from "node:crypto";
import { notFound, unauthorizedUser } from "./errors.ts";
import type { OrganizationIdentifier, StoredNotification } from "./model.ts";
import { copyOrganization, organizationKey, sameOrganization } from "./organizations.ts";
import type { HubeeStore } from "./store.ts";

/**
 * One queue per recipient organisation, shared by all its démarches: a client
 * filters on processCode and must leave other démarches' notifications alone.
 * A notification stays until its recipient deletes it (no cursor).
 */

export function enqueueNotification(
  store: HubeeStore,
  input: Omit<StoredNotification, "id" | "dateTime">,
  now = new Date(),
): StoredNotification {
  const notification: StoredNotification = {
    id: randomUUID(),
    recipient: copyOrganization(input.recipient),
    transmitter: copyOrganization(input.transmitter),
    processCode: input.processCode,
    caseId: input.caseId,
    eventId: input.eventId,
    dateTime: now.toISOString(),
  };
  store.notifications.push(notification);
  return notification;
}

export interface NotificationFilter {
  processCode?: string[];
  /** These process codes come first (the spec's processPriority). */
  processPriority?: string[];
  maxResult: number;
}

export function notificationsFor(
  store: HubeeStore,
  recipient: OrganizationIdentifier,
  filter: NotificationFilter,
): StoredNotification[] {
  const priority = filter.processPriority ?? [];
  const rank = (n: StoredNotification) => (priority.includes(n.processCode) ? 0 : 1);
  return store.notifications
    .filter((n) => sameOrganization(n.recipient, recipient))
    .filter((n) => !filter.processCode?.length || filter.processCode.includes(n.processCode))
    .map((n, index) => ({ n, index }))
    .sort((a, b) => rank(a.n) - rank(b.n) || a.index - b.index)
    .slice(0, filter.maxResult)
    .map(({ n }) => n);
}

export function deleteNotification(store: HubeeStore, recipient: OrganizationIdentifier, id: string): void {
  const notification = store.notifications.find((n) => n.id === id);
  if (!notification) throw notFound("Notification is not found");
  if (!sameOrganization(notification.recipient, recipient)) throw unauthorizedUser();
  store.notifications = store.notifications.filter((n) => n !== notification);
}

/** Admin view: `{ "<organisation key>": { "<processCode>": [notifications] } }`. */
export function notificationQueues(store: HubeeStore): Record<string, Record<string, StoredNotification[]>> {
  const queues: Record<string, Record<string, StoredNotification[]>> = {};
  for (const n of store.notifications) {
    const byProcess = (queues[organizationKey(n.recipient)] ??= {});
    (byProcess[n.processCode] ??= []).push(n);
  }
  return queues;
}
