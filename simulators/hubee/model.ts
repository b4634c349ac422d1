/**
 * The HubEE data model as the simulator stores it. Field names follow the
 * official folder spec (hubee_api_folder_v1.2.7.yaml) so views stay thin; every
 * record is plain JSON so the whole store can be snapshotted.
 */

/** `{type, companyRegister (SIRET), branchCode (COG)}`, written `SI-<siret>-<cog>`. */
export interface OrganizationIdentifier {
  type: string;
  companyRegister: string;
  branchCode: string;
}

export type CaseStatus =
  | "HUBEE_RECEIVED"
  | "HUBEE_COMPLETED"
  | "HUBEE_NOTIFIED"
  | "SENT"
  | "SI_RECEIVED"
  | "SI_INTG_ERROR"
  | "IN_PROGRESS"
  | "ADD_AWAITING"
  | "REFUSED"
  | "DONE"
  | "CLOSED";

export type FolderStatus = CaseStatus;

export type AttachmentStatus = "PENDING" | "RECEIVED" | "CORRUPTED" | "REJECTED";

export type EventStatus = "SENT" | "RECEIVED";

export interface PartnerInfo {
  editorName: string | null;
  applicationName: string | null;
  softwareVersion: string | null;
}

export interface Applicant {
  firstName: string;
  lastName: string;
  email?: string | null;
}

export interface StoredAttachment {
  id: string;
  fileName: string;
  type: string;
  size: number;
  mimeType: string;
  status: AttachmentStatus;
  /** External ids of the cases this file goes to. */
  recipients: string[];
  /** SHA-256 of the uploaded bytes, base64 (the `digest` header format); null until uploaded. */
  sha256: string | null;
  uploadDateTime: string | null;
}

export interface StatusChange {
  from: CaseStatus;
  to: CaseStatus;
  at: string;
  /** Organisation key of the party that caused it, or "HUBEE". */
  by: string;
  /** Set once a STATUS_UPDATE event has been recorded for this change. */
  eventId: string | null;
}

export interface StoredEvent {
  id: string;
  caseId: string;
  transmitter: OrganizationIdentifier;
  message: string | null;
  comment: string | null;
  actionType: string | null;
  author: string | null;
  notification: boolean | null;
  createDateTime: string;
  updateDateTime: string | null;
  status: EventStatus;
  caseCurrentStatus: string | null;
  caseNewStatus: string | null;
  partnerAttributes: string | null;
  partnerInfo: PartnerInfo | null;
}

export interface StoredCase {
  id: string;
  folderId: string;
  externalId: string;
  recipient: OrganizationIdentifier;
  status: CaseStatus;
  createDateTime: string;
  updateDateTime: string | null;
  transmissionDateTime: string | null;
  closeDateTime: string | null;
  partnerAttributes: string | null;
  history: StatusChange[];
  events: StoredEvent[];
}

export interface StoredFolder {
  id: string;
  processCode: string;
  externalId: string;
  applicant: Applicant;
  globalStatus: FolderStatus;
  /** The sending organisation (OSL): only it may see and change the folder. */
  transmitter: OrganizationIdentifier;
  createDateTime: string;
  updateDateTime: string | null;
  closeDateTime: string | null;
  partnerInfo: PartnerInfo | null;
  cases: StoredCase[];
  attachments: StoredAttachment[];
}

export interface StoredNotification {
  id: string;
  recipient: OrganizationIdentifier;
  transmitter: OrganizationIdentifier;
  processCode: string;
  caseId: string | null;
  eventId: string | null;
  dateTime: string;
}

export interface StoredSubscription {
  id: string;
  datapassId: number;
  processCode: string;
  subscriber: OrganizationIdentifier & { name: string };
  accessMode: "PORTAIL" | "API" | null;
  notificationFrequency: string;
  activateDateTime: string | null;
  validateDateTime: string | null;
  rejectDateTime: string | null;
  endDateTime: string | null;
  updateDateTime: string | null;
  delegationActor: { email: string | null } | null;
  rejectionReason: string | null;
  status: string | null;
  email: string | null;
  localAdministrator: { email: string };
}

export type Scope = "OSL" | "SI";

export interface StoredToken {
  token: string;
  clientId: string;
  scope: Scope;
  issuedAt: number;
  expiresAt: number;
}
