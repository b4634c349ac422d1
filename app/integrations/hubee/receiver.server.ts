import { z } from "zod";
import type { HubeeClient } from "./client.server";
import { HubeeError } from "./errors.server";
import { sha256Base64 } from "./sender.server";

/**
 * The receiving (SI) side of the teledossiers API, as a commune's software uses it: read the
 * notification queue, fetch cases and their files, report status, acknowledge events.
 * Responses are validated; unknown fields are ignored so an addition to HubEE breaks nothing.
 */

const organization = z.object({ type: z.string(), companyRegister: z.string(), branchCode: z.string() });

const notificationSchema = z.object({
  id: z.string().min(1),
  processCode: z.string(),
  caseId: z.string().nullish(),
  eventId: z.string().nullish(),
  recipient: organization.nullish(),
  transmitter: organization.nullish(),
  dateTime: z.string().nullish(),
  eventActionType: z.string().nullish(),
  eventStatus: z.string().nullish(),
});
export type SiNotification = z.infer<typeof notificationSchema>;

const eventSchema = z.object({
  id: z.string().min(1),
  actionType: z.string().nullish(),
  status: z.string().nullish(),
  caseCurrentStatus: z.string().nullish(),
  caseNewStatus: z.string().nullish(),
  author: z.string().nullish(),
  message: z.string().nullish(),
  createDateTime: z.string().nullish(),
  transmitter: organization.nullish(),
});
export type SiEvent = z.infer<typeof eventSchema>;

const attachmentSchema = z.object({
  id: z.string().min(1),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  type: z.string().nullish(),
  status: z.string().nullish(),
});
export type SiAttachment = z.infer<typeof attachmentSchema>;

const caseSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  externalId: z.string(),
  processCode: z.string(),
  createDateTime: z.string().nullish(),
  transmissionDateTime: z.string().nullish(),
  applicant: z.object({ firstName: z.string().nullish(), lastName: z.string().nullish() }).nullish(),
  attachments: z.array(attachmentSchema).default([]),
  events: z.array(eventSchema).default([]),
});
export type SiCase = z.infer<typeof caseSchema>;

export interface DownloadedAttachment {
  content: Buffer;
  /** SHA-256 of the bytes received, base64. */
  sha256: string;
  /** What HubEE sent in the `digest` header (null when absent). */
  hubeeDigest: string | null;
  /** true when HubEE sent a digest and it matched the bytes. */
  digestVerified: boolean;
}

/** The bytes received are not those HubEE announced: the file is not to be trusted. */
export class HubeeDigestMismatchError extends Error {
  override name = "HubeeDigestMismatchError";
  constructor(
    readonly caseId: string,
    readonly attachmentId: string,
    readonly expected: string,
    readonly actual: string,
    /** The bytes as received, so the case can still be kept for agents to see. */
    readonly content: Buffer,
  ) {
    super(`Empreinte SHA-256 différente de celle annoncée par HubEE (pièce jointe ${attachmentId})`);
  }
}

/**
 * HubEE's `digest` header is the base64 SHA-256; RFC 3230's `SHA-256=<base64>` form and a hex
 * digest are accepted too. Returns the base64 form, or null when the header is unreadable.
 */
export function normaliseDigest(header: string): string | null {
  let value = header.trim();
  const rfc3230 = /^sha-?256=(.+)$/i.exec(value);
  if (rfc3230) value = rfc3230[1].trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex").toString("base64");
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return value;
  // base64url, as some gateways rewrite it.
  if (/^[A-Za-z0-9_-]{43}=?$/.test(value)) return Buffer.from(value, "base64url").toString("base64");
  return null;
}

const enc = encodeURIComponent;

export interface StatusReport {
  caseCurrentStatus: string;
  caseNewStatus: string;
  /** Shown to the sender (and the citizen): no personal data beyond what the case already holds. */
  message: string;
  author: string;
}

export function createHubeeReceiver(client: HubeeClient) {
  const parse = <T>(schema: z.ZodType<T>, body: unknown, what: string): T => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new HubeeError(`Réponse HubEE illisible (${what})`, { status: 200, transient: false });
  };

  /** A STATUS_UPDATE event, notified to the sender. */
  const postStatusEvent = async (caseId: string, report: StatusReport): Promise<SiEvent> => {
    const body = await client.requestJson<unknown>({
      method: "POST",
      path: `/cases/${enc(caseId)}/events`,
      json: {
        actionType: "STATUS_UPDATE",
        caseCurrentStatus: report.caseCurrentStatus,
        caseNewStatus: report.caseNewStatus,
        author: report.author,
        message: report.message,
        notification: true,
      },
    });
    return parse(eventSchema, body, "event");
  };

  const updateCaseStatus = async (caseId: string, status: string): Promise<void> => {
    await client.request({ method: "PATCH", path: `/cases/${enc(caseId)}`, json: { status } });
  };

  return {
    /**
     * One page of the queue (no cursor: deleted notifications disappear). `processCode` asks
     * HubEE to filter, so other démarches' notifications cannot hide ours.
     */
    async listNotifications(options: { maxResult?: number; processCode?: string } = {}): Promise<SiNotification[]> {
      const query = new URLSearchParams({ eventDetails: "true", maxResult: String(options.maxResult ?? 25) });
      if (options.processCode) query.append("processCode", options.processCode);
      const body = await client.requestJson<unknown>({ method: "GET", path: `/notifications?${query}` });
      return parse(z.array(notificationSchema), body ?? [], "notifications");
    },

    async deleteNotification(notificationId: string): Promise<void> {
      await client.request({ method: "DELETE", path: `/notifications/${enc(notificationId)}` });
    },

    /** The case with its attachments and events. The first read by the SI moves it to SENT. */
    async getCase(caseId: string): Promise<SiCase> {
      const body = await client.requestJson<unknown>({ method: "GET", path: `/cases/${enc(caseId)}` });
      return parse(caseSchema, body, "case");
    },

    /** Downloads a file and checks it against HubEE's digest. Throws HubeeDigestMismatchError. */
    async downloadAttachment(caseId: string, attachmentId: string): Promise<DownloadedAttachment> {
      const response = await client.request({
        method: "GET",
        path: `/cases/${enc(caseId)}/attachments/${enc(attachmentId)}`,
        timeoutMs: 60_000,
      });
      const content = Buffer.from(await response.arrayBuffer());
      const sha256 = sha256Base64(content);
      const header = response.headers.get("digest");
      if (!header) return { content, sha256, hubeeDigest: null, digestVerified: false };
      const expected = normaliseDigest(header);
      if (expected !== sha256) throw new HubeeDigestMismatchError(caseId, attachmentId, header, sha256, content);
      return { content, sha256, hubeeDigest: header, digestVerified: true };
    },

    postStatusEvent,
    updateCaseStatus,

    /** Event then case status, as HubEE documents the SI's progress report. */
    async reportStatus(caseId: string, report: StatusReport): Promise<SiEvent> {
      const event = await postStatusEvent(caseId, report);
      await updateCaseStatus(caseId, report.caseNewStatus);
      return event;
    },

    async getEvent(caseId: string, eventId: string): Promise<SiEvent> {
      const body = await client.requestJson<unknown>({
        method: "GET",
        path: `/cases/${enc(caseId)}/events/${enc(eventId)}`,
      });
      return parse(eventSchema, body, "event");
    },

    async acknowledgeEvent(caseId: string, eventId: string): Promise<void> {
      await client.request({
        method: "PATCH",
        path: `/cases/${enc(caseId)}/events/${enc(eventId)}`,
        json: { status: "RECEIVED" },
      });
    },
  };
}

export type HubeeReceiver = ReturnType<typeof createHubeeReceiver>;
