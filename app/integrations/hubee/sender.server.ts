import crypto from "node:crypto";
import { z } from "zod";
import type { HubeeClient } from "./client.server";
import { HubeeError } from "./errors.server";
import { idOf, readNotificationPage, type NotificationPage } from "./notification-page";

/** The démarche code of the QF form in HubEE. */
export const FORMULAIRE_QF_PROCESS_CODE = "FormulaireQF";

export interface OutgoingAttachment {
  fileName: string;
  mimeType: string;
  content: Buffer;
}

export interface NewFolder {
  externalId: string;
  applicant: { firstName: string; lastName: string };
  recipient: { siret: string; codeCog: string };
  attachments: OutgoingAttachment[];
}

const createdFolder = z.object({
  id: z.string().min(1),
  globalStatus: z.string(),
  cases: z.array(z.object({ id: z.string().min(1), externalId: z.string(), status: z.string() })).min(1),
  attachments: z.array(z.object({ id: z.string().min(1), fileName: z.string() })).min(1),
});
export type CreatedFolder = z.infer<typeof createdFolder>;

const notification = z.object({
  id: z.string().min(1),
  processCode: z.string(),
  caseId: z.string().min(1),
  eventId: z.string().nullish(),
  eventActionType: z.string().nullish(),
  eventStatus: z.string().nullish(),
});
export type HubeeNotification = z.infer<typeof notification>;

/** Malformed items are reported, skipped and left in the queue (see readNotificationPage). */
export type SenderNotificationPage = NotificationPage<HubeeNotification>;

const hubeeEvent = z.object({
  id: z.string(),
  actionType: z.string(),
  caseNewStatus: z.string().nullish(),
  caseCurrentStatus: z.string().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
});
export type HubeeEvent = z.infer<typeof hubeeEvent>;

const caseState = z.object({ id: z.string(), status: z.string() });
export type HubeeCaseState = z.infer<typeof caseState>;
const caseWithEvents = caseState.extend({
  events: z.array(z.object({ actionType: z.string(), caseNewStatus: z.string().nullish() })).default([]),
});
export type HubeeCaseWithEvents = z.infer<typeof caseWithEvents>;

/**
 * What the national form writes on the event that closes a case (reference README): communes'
 * software shows it to their agents, so it stays word for word.
 */
export const CLOSING_EVENT = { author: "DINUM", message: "Dossier traité par le service." } as const;

/** POST /folders gets more time than the other calls (15 s by default). */
export const CREATE_FOLDER_TIMEOUT_MS = 30_000;

export const sha256Base64 = (content: Buffer) => crypto.createHash("sha256").update(content).digest("base64");

/** The sender (OSL) side of the teledossiers API, as the national QF form uses it. */
export function createHubeeSender(client: HubeeClient) {
  const deleteFolder = async (folderId: string): Promise<void> => {
    await client.request({ method: "DELETE", path: `/folders/${encodeURIComponent(folderId)}` });
  };
  return {
    async createFolder(folder: NewFolder): Promise<CreatedFolder> {
      // The reference form numbers its single case "<folder externalId>-01".
      const caseExternalId = `${folder.externalId}-01`;
      const body = await client.requestJson<unknown>({
        method: "POST",
        path: "/folders",
        // A timeout here is ambiguous (HubEE may have created the folder and v1 cannot find it by
        // externalId, ADR 009): wait longer than for the other calls rather than give up early.
        timeoutMs: CREATE_FOLDER_TIMEOUT_MS,
        json: {
          processCode: FORMULAIRE_QF_PROCESS_CODE,
          externalId: folder.externalId,
          applicant: folder.applicant,
          cases: [
            {
              recipient: { companyRegister: folder.recipient.siret, branchCode: folder.recipient.codeCog, type: "SI" },
              externalId: caseExternalId,
            },
          ],
          attachments: folder.attachments.map((a) => ({
            fileName: a.fileName,
            type: FORMULAIRE_QF_PROCESS_CODE,
            size: a.content.length,
            mimeType: a.mimeType,
            recipients: [caseExternalId],
          })),
        },
      });
      const created = createdFolder.safeParse(body);
      if (created.success) return created.data;
      // HubEE created a folder but its answer lacks what we need: delete it now, or each retry
      // would leave one more never-completed folder holding the citizen's name.
      const id = idOf(body);
      const deleted =
        id !== null &&
        (await deleteFolder(id).then(
          () => true,
          () => false,
        ));
      throw new HubeeError(
        `Réponse de HubEE à POST /folders incomplète${deleted ? ` (dossier ${id} supprimé)` : " (dossier non identifié ou non supprimé)"}`,
        // status null: the folder may remain at HubEE (ADR 009); a retry may get a proper answer.
        { status: deleted ? 201 : null, transient: true },
      );
    },

    async uploadAttachment(folderId: string, attachmentId: string, content: Buffer): Promise<void> {
      await client.request({
        method: "PUT",
        path: `/folders/${encodeURIComponent(folderId)}/attachments/${encodeURIComponent(attachmentId)}`,
        body: content,
        headers: { "Content-Type": "application/octet-stream", digest: sha256Base64(content) },
      });
    },

    async completeFolder(folderId: string): Promise<void> {
      await client.request({
        method: "PATCH",
        path: `/folders/${encodeURIComponent(folderId)}`,
        json: { globalStatus: "HUBEE_COMPLETED" },
      });
    },

    deleteFolder,

    async getFolder(folderId: string): Promise<{ id: string; globalStatus: string; cases: CreatedFolder["cases"] }> {
      return createdFolder
        .pick({ id: true, globalStatus: true, cases: true })
        .parse(await client.requestJson({ method: "GET", path: `/folders/${encodeURIComponent(folderId)}` }));
    },

    /** The sender's queue, filtered by démarche when `processCode` is given (HubEE's `processCode` filter). */
    async listNotifications(maxResult = 25, processCode?: string): Promise<SenderNotificationPage> {
      const query = new URLSearchParams({ eventDetails: "true", maxResult: String(maxResult) });
      if (processCode) query.set("processCode", processCode);
      const body = await client.requestJson<unknown>({ method: "GET", path: `/notifications?${query}` });
      return readNotificationPage(notification, z.array(z.unknown()).parse(body ?? []));
    },

    /** A case as its sender sees it; only the status matters here. */
    async getCase(caseId: string): Promise<HubeeCaseState> {
      return caseState.parse(
        await client.requestJson({ method: "GET", path: `/cases/${encodeURIComponent(caseId)}?lite=true` }),
      );
    },

    /** A case with its events (without `lite`): to know whether its closing was already reported. */
    async getCaseWithEvents(caseId: string): Promise<HubeeCaseWithEvents> {
      return caseWithEvents.parse(
        await client.requestJson({ method: "GET", path: `/cases/${encodeURIComponent(caseId)}` }),
      );
    },

    /** The STATUS_UPDATE event to CLOSED that the national form posts once it closed a case, notified to the commune. */
    async reportCaseClosed(caseId: string, from: string): Promise<void> {
      await client.requestJson({
        method: "POST",
        path: `/cases/${encodeURIComponent(caseId)}/events`,
        json: {
          actionType: "STATUS_UPDATE",
          caseCurrentStatus: from,
          caseNewStatus: "CLOSED",
          author: CLOSING_EVENT.author,
          message: CLOSING_EVENT.message,
          notification: true,
        },
      });
    },

    async deleteNotification(notificationId: string): Promise<void> {
      await client.request({ method: "DELETE", path: `/notifications/${encodeURIComponent(notificationId)}` });
    },

    async getEvent(caseId: string, eventId: string): Promise<HubeeEvent> {
      return hubeeEvent.parse(
        await client.requestJson({
          method: "GET",
          path: `/cases/${encodeURIComponent(caseId)}/events/${encodeURIComponent(eventId)}`,
        }),
      );
    },

    async acknowledgeEvent(caseId: string, eventId: string): Promise<void> {
      await client.request({
        method: "PATCH",
        path: `/cases/${encodeURIComponent(caseId)}/events/${encodeURIComponent(eventId)}`,
        json: { status: "RECEIVED" },
      });
    },

    async closeCase(caseId: string): Promise<void> {
      await client.request({
        method: "PATCH",
        path: `/cases/${encodeURIComponent(caseId)}`,
        json: { status: "CLOSED" },
      });
    },

    async closeFolder(folderId: string): Promise<void> {
      await client.request({
        method: "PATCH",
        path: `/folders/${encodeURIComponent(folderId)}`,
        json: { globalStatus: "CLOSED", closeDateTime: new Date().toISOString() },
      });
    },
  };
}

export type HubeeSender = ReturnType<typeof createHubeeSender>;
