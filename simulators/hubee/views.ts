import type { Party } from "./access.ts";
import type {
  StoredAttachment,
  StoredCase,
  StoredEvent,
  StoredFolder,
  StoredNotification,
  StoredSubscription,
} from "./model.ts";
import { copyOrganization } from "./organizations.ts";
import type { HubeeStore } from "./store.ts";

/**
 * Response bodies, shaped by the spec's schemas only (Folder, Case, Event,
 * Notification, Subscription): internal fields (history, sha256, folderId…)
 * never leak. The contract tests check them with undeclared properties forbidden.
 */

function attachmentView(a: StoredAttachment) {
  return { id: a.id, status: a.status, fileName: a.fileName, type: a.type, size: a.size, mimeType: a.mimeType };
}

export function folderView(folder: StoredFolder) {
  return {
    id: folder.id,
    globalStatus: folder.globalStatus,
    processCode: folder.processCode,
    createDateTime: folder.createDateTime,
    closeDateTime: folder.closeDateTime,
    applicant: { ...folder.applicant },
    externalId: folder.externalId,
    updateDateTime: folder.updateDateTime,
    partnerInfo: folder.partnerInfo ? { ...folder.partnerInfo } : null,
    cases: folder.cases.map((c) => ({
      id: c.id,
      status: c.status,
      recipient: copyOrganization(c.recipient),
      externalId: c.externalId,
      updateDateTime: c.updateDateTime,
      transmissionDateTime: c.transmissionDateTime,
      partnerAttributes: c.partnerAttributes,
    })),
    attachments: folder.attachments.map((a) => ({ ...attachmentView(a), recipients: [...a.recipients] })),
  };
}

/** `comment` is meant for SIs only (spec): the sender gets null. */
export function eventView(event: StoredEvent, viewer: Party) {
  return {
    id: event.id,
    transmitter: copyOrganization(event.transmitter),
    message: event.message,
    comment: viewer === "recipient" ? event.comment : null,
    actionType: event.actionType,
    author: event.author,
    notification: event.notification,
    createDateTime: event.createDateTime,
    updateDateTime: event.updateDateTime,
    status: event.status,
    caseCurrentStatus: event.caseCurrentStatus,
    caseNewStatus: event.caseNewStatus,
    partnerAttributes: event.partnerAttributes,
    attachments: [],
    partnerInfo: event.partnerInfo ? { ...event.partnerInfo } : null,
  };
}

/** The attachments a case receives: those whose recipients include its externalId. */
export function caseAttachments(folder: StoredFolder, kase: StoredCase): StoredAttachment[] {
  return folder.attachments.filter((a) => a.recipients.includes(kase.externalId));
}

/** `lite=true` leaves the events out. */
export function caseView(folder: StoredFolder, kase: StoredCase, viewer: Party, lite = false) {
  return {
    id: kase.id,
    status: kase.status,
    recipient: copyOrganization(kase.recipient),
    externalId: kase.externalId,
    updateDateTime: kase.updateDateTime,
    transmissionDateTime: kase.transmissionDateTime,
    processCode: folder.processCode,
    createDateTime: kase.createDateTime,
    closeDateTime: kase.closeDateTime,
    partnerAttributes: kase.partnerAttributes,
    applicant: { ...folder.applicant },
    attachments: caseAttachments(folder, kase).map(attachmentView),
    ...(lite ? {} : { events: kase.events.map((e) => eventView(e, viewer)) }),
  };
}

/** With eventDetails, the event's actionType and status come along (null for a new case). */
export function notificationView(store: HubeeStore, n: StoredNotification, eventDetails: boolean) {
  const view = {
    id: n.id,
    recipient: copyOrganization(n.recipient),
    transmitter: copyOrganization(n.transmitter),
    processCode: n.processCode,
    caseId: n.caseId,
    eventId: n.eventId,
    dateTime: n.dateTime,
  };
  if (!eventDetails) return view;
  const event = n.caseId && n.eventId ? store.findCase(n.caseId)?.kase.events.find((e) => e.id === n.eventId) : null;
  return { ...view, eventActionType: event?.actionType ?? null, eventStatus: event?.status ?? null };
}

export function subscriptionView(s: StoredSubscription) {
  return structuredClone(s);
}

/** Admin view of a folder: everything, including what the API hides (history, digests, notifications). */
export function adminFolderView(folder: StoredFolder): StoredFolder {
  return structuredClone(folder);
}
