import { createHash, randomUUID } from "node:crypto";
import { notifyRecipient, refreshFolderStatus } from "./case-service.ts";
import { badRequest, notFound } from "./errors.ts";
import type {
  Applicant,
  OrganizationIdentifier,
  PartnerInfo,
  StoredAttachment,
  StoredCase,
  StoredFolder,
} from "./model.ts";
import { copyOrganization, organizationKey } from "./organizations.ts";
import { isSubscribed } from "./subscriptions.ts";
import type { HubeeStore } from "./store.ts";

/** The sender's side: create a folder, upload its files, complete or delete it. */

export interface FolderInput {
  processCode: string;
  externalId: string;
  applicant: Applicant;
  cases: Array<{ recipient: OrganizationIdentifier; externalId: string; partnerAttributes?: string | null }>;
  attachments: Array<{ fileName: string; type: string; size: number; mimeType: string; recipients: string[] }>;
}

/** HubEE's wording, typo included: clients match on it. */
export function notSubscribedMessage(org: OrganizationIdentifier, processCode: string): string {
  return `Organization ${organizationKey(org)} does not suscribed to process ${processCode}`;
}

export function createFolder(
  store: HubeeStore,
  sender: OrganizationIdentifier,
  input: FolderInput,
  partnerInfo: PartnerInfo | null,
  now = new Date(),
): StoredFolder {
  if (!isSubscribed(store, sender, input.processCode))
    throw badRequest(notSubscribedMessage(sender, input.processCode));
  if (!input.cases.length) throw badRequest("A folder must have at least one case");
  const caseIds = input.cases.map((c) => c.externalId);
  if (new Set(caseIds).size !== caseIds.length) throw badRequest("Case externalId must be unique within a folder");
  for (const c of input.cases) {
    if (c.recipient.type !== "SI") throw badRequest(`Case ${c.externalId}: recipient type must be SI`);
    if (!isSubscribed(store, c.recipient, input.processCode)) {
      throw badRequest(notSubscribedMessage(c.recipient, input.processCode));
    }
  }
  for (const a of input.attachments) {
    const unknown = a.recipients.filter((r) => !caseIds.includes(r));
    if (unknown.length) throw badRequest(`Attachment ${a.fileName}: unknown case externalId ${unknown.join(", ")}`);
    if (a.size < 0) throw badRequest(`Attachment ${a.fileName}: size must be positive`);
  }

  const at = now.toISOString();
  const id = randomUUID();
  const cases: StoredCase[] = input.cases.map((c) => ({
    id: randomUUID(),
    folderId: id,
    externalId: c.externalId,
    recipient: copyOrganization(c.recipient),
    status: "HUBEE_RECEIVED",
    createDateTime: at,
    updateDateTime: null,
    transmissionDateTime: null,
    closeDateTime: null,
    partnerAttributes: c.partnerAttributes ?? null,
    history: [],
    events: [],
  }));
  const attachments: StoredAttachment[] = input.attachments.map((a) => ({
    id: randomUUID(),
    fileName: a.fileName,
    type: a.type,
    size: a.size,
    mimeType: a.mimeType,
    status: "PENDING",
    recipients: [...a.recipients],
    sha256: null,
    uploadDateTime: null,
  }));
  const folder: StoredFolder = {
    id,
    processCode: input.processCode,
    externalId: input.externalId,
    applicant: {
      firstName: input.applicant.firstName,
      lastName: input.applicant.lastName,
      ...(input.applicant.email !== undefined ? { email: input.applicant.email } : {}),
    },
    globalStatus: "HUBEE_RECEIVED",
    transmitter: copyOrganization(sender),
    createDateTime: at,
    updateDateTime: null,
    closeDateTime: null,
    partnerInfo,
    cases,
    attachments,
  };
  store.addFolder(folder);
  return folder;
}

function assertOpen(folder: StoredFolder): void {
  if (folder.globalStatus !== "HUBEE_RECEIVED") {
    throw badRequest(`Folder ${folder.id} is ${folder.globalStatus}: it can no longer be modified`);
  }
}

/** Accepts `digest: <base64>` and the RFC 3230 form `digest: SHA-256=<base64>`. */
function digestValue(header: string): string {
  const match = /^sha-256=(.+)$/i.exec(header.trim());
  return (match ? match[1] : header).trim();
}

/**
 * Stores the bytes after checking them against the declared size and the
 * optional digest. A failed check marks the attachment (REJECTED for the size,
 * CORRUPTED for the digest) and the sender may upload again.
 */
export function uploadAttachment(
  store: HubeeStore,
  folder: StoredFolder,
  attachmentId: string,
  bytes: Buffer,
  digestHeader: string | undefined,
  now = new Date(),
): void {
  const attachment = folder.attachments.find((a) => a.id === attachmentId);
  if (!attachment) throw notFound("Binary meta-data is not found");
  assertOpen(folder);
  if (bytes.length !== attachment.size) {
    attachment.status = "REJECTED";
    throw badRequest(
      `Attachment ${attachment.id}: size mismatch, declared ${attachment.size} bytes but received ${bytes.length}`,
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("base64");
  if (digestHeader !== undefined && digestValue(digestHeader) !== sha256) {
    attachment.status = "CORRUPTED";
    throw badRequest(`Attachment ${attachment.id}: digest mismatch, the SHA-256 of the received bytes is ${sha256}`);
  }
  store.blobs.set(attachment.id, Buffer.from(bytes));
  attachment.status = "RECEIVED";
  attachment.sha256 = sha256;
  attachment.uploadDateTime = now.toISOString();
  folder.updateDateTime = now.toISOString();
}

/** HUBEE_COMPLETED: every file is there, HubEE notifies each recipient. */
export function completeFolder(store: HubeeStore, folder: StoredFolder, now = new Date()): void {
  assertOpen(folder);
  const missing = folder.attachments.filter((a) => a.status !== "RECEIVED");
  if (missing.length) {
    throw badRequest(
      `Folder cannot be completed: attachments not received: ${missing.map((a) => `${a.id} (${a.status})`).join(", ")}`,
    );
  }
  folder.globalStatus = "HUBEE_COMPLETED";
  folder.updateDateTime = now.toISOString();
  for (const kase of folder.cases) notifyRecipient(store, folder, kase, now);
}

/** `PATCH /folders/{id}`: completion, or closing once every case is CLOSED (cases first, per the spec). */
export function updateFolder(
  store: HubeeStore,
  folder: StoredFolder,
  input: { globalStatus: string; closeDateTime?: string },
  now = new Date(),
): void {
  if (input.globalStatus === "HUBEE_COMPLETED") return completeFolder(store, folder, now);
  if (input.globalStatus === "CLOSED") {
    const open = folder.cases.filter((c) => c.status !== "CLOSED");
    if (open.length) throw badRequest(`Close the cases before the folder: ${open.map((c) => c.id).join(", ")}`);
    refreshFolderStatus(folder, now);
    folder.closeDateTime = input.closeDateTime ?? folder.closeDateTime ?? now.toISOString();
    folder.updateDateTime = now.toISOString();
    return;
  }
  throw badRequest(`Illegal folder status transition ${folder.globalStatus} -> ${input.globalStatus}`);
}

/** Only while HUBEE_RECEIVED: nothing has been notified yet. */
export function deleteFolder(store: HubeeStore, folder: StoredFolder): void {
  if (folder.globalStatus !== "HUBEE_RECEIVED") {
    throw badRequest(`Folder can only be deleted while HUBEE_RECEIVED (it is ${folder.globalStatus})`);
  }
  store.removeFolder(folder);
}
