import { randomUUID } from "node:crypto";
import type { Party } from "./access.ts";
import { badRequest } from "./errors.ts";
import type {
  CaseStatus,
  OrganizationIdentifier,
  PartnerInfo,
  StatusChange,
  StoredCase,
  StoredEvent,
  StoredFolder,
} from "./model.ts";
import { enqueueNotification } from "./notifications.ts";
import { copyOrganization, organizationKey, sameOrganization } from "./organizations.ts";
import { assertTransition, type Actor } from "./status-machine.ts";
import type { HubeeStore } from "./store.ts";

/** Case statuses, events and the notifications they raise. */

export const ACTION_TYPES = [
  "STATUS_UPDATE",
  "ATTACH_DEPOSIT",
  "ATTACH_DL",
  "ATTACH_DL_ALL",
  "COM_ADD",
  "SENDING_MESSAGE",
] as const;

/**
 * The folder's globalStatus follows its cases once they are all in the same
 * status (a FormulaireQF folder has a single case); before completion it is
 * the folder's own HUBEE_RECEIVED.
 */
export function refreshFolderStatus(folder: StoredFolder, now: Date): void {
  if (folder.globalStatus === "HUBEE_RECEIVED") return;
  const statuses = new Set(folder.cases.map((c) => c.status));
  if (statuses.size !== 1) return;
  const [status] = statuses;
  if (status === folder.globalStatus) return;
  folder.globalStatus = status;
  folder.updateDateTime = now.toISOString();
  if (status === "CLOSED") folder.closeDateTime ??= now.toISOString();
}

function applyStatus(
  folder: StoredFolder,
  kase: StoredCase,
  to: CaseStatus,
  actor: Actor,
  by: string,
  now: Date,
): StatusChange {
  assertTransition(kase.status, to, actor);
  const change: StatusChange = { from: kase.status, to, at: now.toISOString(), by, eventId: null };
  kase.history.push(change);
  kase.status = to;
  kase.updateDateTime = change.at;
  if (to === "CLOSED") kase.closeDateTime = change.at;
  refreshFolderStatus(folder, now);
  return change;
}

/** Completion hands the case to HubEE's notifier: the recipient SI is told a new case awaits. */
export function notifyRecipient(store: HubeeStore, folder: StoredFolder, kase: StoredCase, now: Date): void {
  applyStatus(folder, kase, "HUBEE_NOTIFIED", "hubee", "HUBEE", now);
  enqueueNotification(
    store,
    {
      recipient: kase.recipient,
      transmitter: folder.transmitter,
      processCode: folder.processCode,
      caseId: kase.id,
      eventId: null,
    },
    now,
  );
}

function newEvent(
  kase: StoredCase,
  transmitter: OrganizationIdentifier,
  fields: Partial<StoredEvent>,
  partnerInfo: PartnerInfo | null,
  now: Date,
): StoredEvent {
  const event: StoredEvent = {
    id: randomUUID(),
    caseId: kase.id,
    transmitter: copyOrganization(transmitter),
    message: fields.message ?? null,
    comment: fields.comment ?? null,
    actionType: fields.actionType ?? null,
    author: fields.author ?? null,
    notification: fields.notification ?? null,
    createDateTime: now.toISOString(),
    updateDateTime: null,
    status: "SENT",
    caseCurrentStatus: fields.caseCurrentStatus ?? null,
    caseNewStatus: fields.caseNewStatus ?? null,
    partnerAttributes: fields.partnerAttributes ?? null,
    partnerInfo,
  };
  kase.events.push(event);
  return event;
}

/** The other side of the case: an SI's events go to the sender, the sender's to the SI. */
function counterpart(folder: StoredFolder, kase: StoredCase, party: Party): OrganizationIdentifier {
  return party === "recipient" ? folder.transmitter : kase.recipient;
}

function notifyCounterpart(
  store: HubeeStore,
  folder: StoredFolder,
  kase: StoredCase,
  party: Party,
  event: StoredEvent,
  now: Date,
): void {
  enqueueNotification(
    store,
    {
      recipient: counterpart(folder, kase, party),
      transmitter: event.transmitter,
      processCode: folder.processCode,
      caseId: kase.id,
      eventId: event.id,
    },
    now,
  );
}

/**
 * The recipient's first read moves HUBEE_NOTIFIED → SENT. HubEE records it as a
 * STATUS_UPDATE event so the sender learns the case was delivered (the
 * reference form handles events whose caseNewStatus is SENT).
 */
export function markReadByRecipient(store: HubeeStore, folder: StoredFolder, kase: StoredCase, now: Date): void {
  if (kase.status !== "HUBEE_NOTIFIED") return;
  const change = applyStatus(folder, kase, "SENT", "hubee", "HUBEE", now);
  kase.transmissionDateTime = change.at;
  const event = newEvent(
    kase,
    kase.recipient,
    {
      actionType: "STATUS_UPDATE",
      author: "HubEE",
      message: "Télédossier récupéré par le destinataire",
      notification: true,
      caseCurrentStatus: change.from,
      caseNewStatus: change.to,
    },
    null,
    now,
  );
  change.eventId = event.id;
  notifyCounterpart(store, folder, kase, "recipient", event, now);
}

/** `PATCH /cases/{caseId}`: re-sending the current status is a no-op, so clients may PATCH after the event. */
export function patchCaseStatus(
  folder: StoredFolder,
  kase: StoredCase,
  party: Party,
  org: OrganizationIdentifier,
  status: string,
  now: Date,
): void {
  if (status === kase.status) return;
  applyStatus(folder, kase, status as CaseStatus, party, organizationKey(org), now);
}

export interface EventInput {
  message?: string | null;
  comment?: string | null;
  actionType?: string | null;
  author?: string | null;
  notification?: boolean | null;
  caseCurrentStatus?: string | null;
  caseNewStatus?: string | null;
  partnerAttributes?: string | null;
  attachments?: unknown[];
}

/**
 * A STATUS_UPDATE event moves the case (caseCurrentStatus, when given, must be
 * the case's status), unless the same client already PATCHed the case to
 * caseNewStatus: then the event records that change instead.
 */
function statusUpdate(
  folder: StoredFolder,
  kase: StoredCase,
  party: Party,
  org: OrganizationIdentifier,
  input: EventInput,
  now: Date,
): StatusChange {
  const to = input.caseNewStatus;
  if (!to) throw badRequest("caseNewStatus is required for a STATUS_UPDATE event");
  const last = kase.history.at(-1);
  const patchedBefore =
    last !== undefined &&
    kase.status === to &&
    last.to === to &&
    last.eventId === null &&
    last.by === organizationKey(org) &&
    (input.caseCurrentStatus == null || input.caseCurrentStatus === last.from);
  if (patchedBefore) return last;
  const from = input.caseCurrentStatus ?? kase.status;
  if (kase.status !== from) throw badRequest(`caseCurrentStatus ${from} does not match the case status ${kase.status}`);
  return applyStatus(folder, kase, to as CaseStatus, party, organizationKey(org), now);
}

export function createEvent(
  store: HubeeStore,
  folder: StoredFolder,
  kase: StoredCase,
  party: Party,
  org: OrganizationIdentifier,
  input: EventInput,
  partnerInfo: PartnerInfo | null,
  now: Date,
): StoredEvent {
  if (!input.actionType || !(ACTION_TYPES as readonly string[]).includes(input.actionType)) {
    throw badRequest(`actionType must be one of ${ACTION_TYPES.join(", ")}`);
  }
  if (input.attachments?.length) {
    throw badRequest("Event attachments are not supported by the HubEE simulator");
  }
  const change = input.actionType === "STATUS_UPDATE" ? statusUpdate(folder, kase, party, org, input, now) : null;
  const event = newEvent(
    kase,
    org,
    {
      ...input,
      caseCurrentStatus: change ? change.from : (input.caseCurrentStatus ?? null),
      caseNewStatus: change ? change.to : (input.caseNewStatus ?? null),
    } as Partial<StoredEvent>,
    partnerInfo,
    now,
  );
  if (change) change.eventId = event.id;
  if (input.notification === true) notifyCounterpart(store, folder, kase, party, event, now);
  return event;
}

/** `PATCH /cases/{caseId}/events/{eventId}`: the event's addressee acknowledges it (SENT → RECEIVED). */
export function acknowledgeEvent(
  event: StoredEvent,
  org: OrganizationIdentifier,
  status: string | undefined,
  now: Date,
): void {
  if (status !== "RECEIVED" && status !== "SENT") throw badRequest("status must be RECEIVED");
  if (sameOrganization(event.transmitter, org)) {
    throw badRequest("An event is acknowledged by its addressee, not by its transmitter");
  }
  if (status === event.status) return;
  if (status === "SENT") throw badRequest("Illegal event status transition RECEIVED -> SENT");
  event.status = "RECEIVED";
  event.updateDateTime = now.toISOString();
}
