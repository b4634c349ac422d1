import { z } from "zod";
import { readResponseBody, type HubeeClient } from "./client.server";
import { HubeeError } from "./errors.server";
import { readNotificationPage, type MalformedNotification, type NotificationPage } from "./notification-page";
import { sha256Base64 } from "./sender.server";

/**
 * The receiving (SI) side of the teledossiers API, as a commune's software uses it: read the
 * notification queue, fetch cases and their files, report status, acknowledge events.
 * Responses are validated; unknown fields are ignored so an addition to HubEE breaks nothing,
 * and only the fields we read are required, so a change elsewhere in an item breaks nothing either.
 */

/**
 * Only what the ingestion reads. HubEE also sends recipient, transmitter and dateTime (and
 * eventActionType, eventStatus with eventDetails): nothing uses them, so an item where one of
 * them is missing or incomplete must not be refused for it.
 */
const notificationSchema = z.object({
  id: z.string().min(1),
  processCode: z.string(),
  caseId: z.string().nullish(),
  eventId: z.string().nullish(),
});
export type SiNotification = z.infer<typeof notificationSchema>;

/** Items HubEE listed that we cannot read stay in `malformed`; see ingestCommuneInbox for why they stay in the queue. */
export type SiNotificationPage = NotificationPage<SiNotification>;
export type { MalformedNotification };

const eventSchema = z.object({
  id: z.string().min(1),
  actionType: z.string().nullish(),
  status: z.string().nullish(),
  caseCurrentStatus: z.string().nullish(),
  caseNewStatus: z.string().nullish(),
  author: z.string().nullish(),
  message: z.string().nullish(),
  createDateTime: z.string().nullish(),
  // HubEE's `transmitter` is not read: not required, for the reason given on notificationSchema.
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

/**
 * Hard bound on one downloaded attachment. HubEE's spec (v1.2.7) sets no size limit on
 * attachments, only its gateway's 300 s timeout. A FormulaireQF transmission is a JSON, an XML
 * and a one-page PDF of a few KB each: 20 MiB is far above anything a QF form produces, yet
 * bounds what a download can hold in the worker's memory (a case's files are all kept until
 * stored, in one transaction) and in the database.
 */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface DownloadedAttachment {
  content: Buffer;
  /** SHA-256 of the bytes received, base64. */
  sha256: string;
  /**
   * The digest header HubEE sent, as received; null when absent. Present with `digestVerified`
   * false: a header we could not read, the file is kept as not verified.
   */
  hubeeDigest: string | null;
  /** true when HubEE sent a SHA-256 we could read and it matched the bytes. */
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

/** A SHA-256 value as base64: base64, hex, or base64url (as some gateways rewrite it). */
function sha256Value(value: string): string | null {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex").toString("base64");
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return value;
  if (/^[A-Za-z0-9_-]{43}=?$/.test(value)) return Buffer.from(value, "base64url").toString("base64");
  return null;
}

/**
 * The SHA-256 a digest header announces, as base64; null when the header is unreadable or
 * announces no SHA-256. Accepted: HubEE's bare value (base64, or hex); RFC 3230's
 * `SHA-256=<base64>`; RFC 9530's `sha-256=:<base64>:` (Repr-Digest, Content-Digest), whose
 * parameters are ignored; in a list of algorithms, the SHA-256 member.
 */
export function normaliseDigest(header: string): string | null {
  const members = header
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  if (members.length === 1) {
    const bare = sha256Value(members[0]);
    if (bare) return bare;
  }
  for (const member of members) {
    const labelled = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.+)$/.exec(member);
    if (!labelled || !/^sha-?256$/i.test(labelled[1])) continue;
    const value = labelled[2].trim();
    // RFC 8941 byte sequence (`:<base64>:`), possibly followed by `;parameters`.
    const byteSequence = /^:([^:]*):(?:\s*;.*)?$/.exec(value);
    const found = sha256Value(byteSequence ? byteSequence[1] : value);
    if (found) return found;
  }
  return null;
}

/**
 * The SHA-256 HubEE announced for a download: HubEE's `digest` header, else RFC 9530's
 * Repr-Digest, else Content-Digest when the body is not content-encoded (it then hashes the
 * encoded bytes, not those fetch hands us). `header` is the first such header present, as
 * received; `expected` is null when none of them could be read.
 */
export function announcedDigest(headers: Headers): { header: string | null; expected: string | null } {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  const candidates = [headers.get("digest"), headers.get("repr-digest")];
  if (!encoding || encoding === "identity") candidates.push(headers.get("content-digest"));
  const present = candidates.filter((h): h is string => h !== null && h.trim() !== "");
  for (const header of present) {
    const expected = normaliseDigest(header);
    if (expected) return { header, expected };
  }
  return { header: present[0] ?? null, expected: null };
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
     * HubEE to filter, so other démarches' notifications cannot hide ours. Items are read one
     * by one: a malformed one is reported in `malformed` and does not make the page unreadable.
     */
    async listNotifications(options: { maxResult?: number; processCode?: string } = {}): Promise<SiNotificationPage> {
      const query = new URLSearchParams({ eventDetails: "true", maxResult: String(options.maxResult ?? 25) });
      if (options.processCode) query.append("processCode", options.processCode);
      const body = await client.requestJson<unknown>({ method: "GET", path: `/notifications?${query}` });
      return readNotificationPage(notificationSchema, parse(z.array(z.unknown()), body ?? [], "notifications"));
    },

    async deleteNotification(notificationId: string): Promise<void> {
      await client.request({ method: "DELETE", path: `/notifications/${enc(notificationId)}` });
    },

    /** The case with its attachments and events. The first read by the SI moves it to SENT. */
    async getCase(caseId: string): Promise<SiCase> {
      const body = await client.requestJson<unknown>({ method: "GET", path: `/cases/${enc(caseId)}` });
      return parse(caseSchema, body, "case");
    },

    /**
     * Downloads a file and checks it against HubEE's digest. Throws HubeeDigestMismatchError
     * when a SHA-256 we could read differs from the bytes; a HubeeError (permanent) when the file
     * is larger than `declaredSize` (the case's `size`) or MAX_ATTACHMENT_BYTES.
     */
    async downloadAttachment(
      caseId: string,
      attachmentId: string,
      declaredSize?: number,
    ): Promise<DownloadedAttachment> {
      const response = await client.request({
        method: "GET",
        path: `/cases/${enc(caseId)}/attachments/${enc(attachmentId)}`,
        timeoutMs: 60_000,
      });
      const limit = declaredSize === undefined ? MAX_ATTACHMENT_BYTES : Math.min(declaredSize, MAX_ATTACHMENT_BYTES);
      // Permanent, like HubEE refusing the download (4xx): the notification stays in the queue
      // for the next run, while this run goes on with the others (a transient error would stop
      // it, every run, behind this file).
      const tooLarge = (size: string) =>
        new HubeeError(
          `Pièce jointe ${attachmentId} du télédossier ${caseId} trop grosse (${size}, au plus ${limit} octets attendus) : téléchargement refusé`,
          { status: response.status, transient: false },
        );
      const announced = Number(response.headers.get("content-length") ?? Number.NaN);
      if (Number.isFinite(announced) && announced > limit) {
        await response.body?.cancel().catch(() => {});
        throw tooLarge(`${announced} octets annoncés`);
      }
      // Counted as it arrives: without Content-Length (chunked), or with a false one, the body
      // cannot grow past the bound either.
      const { content, overflow } = await readResponseBody(response, limit, `pièce jointe ${attachmentId}`);
      if (overflow) throw tooLarge(`plus de ${limit} octets reçus`);
      const sha256 = sha256Base64(content);
      const { header, expected } = announcedDigest(response.headers);
      // No digest, or one we cannot read: nothing says the bytes are wrong, only that they are
      // not verified (a mismatch would report the case as altered to its sender and citizen).
      if (expected === null) return { content, sha256, hubeeDigest: header, digestVerified: false };
      if (expected !== sha256) throw new HubeeDigestMismatchError(caseId, attachmentId, header!, sha256, content);
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
