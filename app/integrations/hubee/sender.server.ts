import crypto from "node:crypto";
import { z } from "zod";
import type { HubeeClient } from "./client.server";

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

const notificationList = z.array(
  z.object({
    id: z.string(),
    processCode: z.string(),
    caseId: z.string(),
    eventId: z.string().nullish(),
    eventActionType: z.string().nullish(),
    eventStatus: z.string().nullish(),
  }),
);
export type HubeeNotification = z.infer<typeof notificationList>[number];

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

/** POST /folders gets more time than the other calls (15 s by default). */
export const CREATE_FOLDER_TIMEOUT_MS = 30_000;

export const sha256Base64 = (content: Buffer) => crypto.createHash("sha256").update(content).digest("base64");

/** The sender (OSL) side of the teledossiers API, as the national QF form uses it. */
export function createHubeeSender(client: HubeeClient) {
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
      return createdFolder.parse(body);
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

    async deleteFolder(folderId: string): Promise<void> {
      await client.request({ method: "DELETE", path: `/folders/${encodeURIComponent(folderId)}` });
    },

    async getFolder(folderId: string): Promise<{ id: string; globalStatus: string; cases: CreatedFolder["cases"] }> {
      return createdFolder
        .pick({ id: true, globalStatus: true, cases: true })
        .parse(await client.requestJson({ method: "GET", path: `/folders/${encodeURIComponent(folderId)}` }));
    },

    /** The sender's queue, filtered by démarche when `processCode` is given (HubEE's `processCode` filter). */
    async listNotifications(maxResult = 25, processCode?: string): Promise<HubeeNotification[]> {
      const query = new URLSearchParams({ eventDetails: "true", maxResult: String(maxResult) });
      if (processCode) query.set("processCode", processCode);
      const body = await client.requestJson<unknown>({ method: "GET", path: `/notifications?${query}` });
      return notificationList.parse(body ?? []);
    },

    /** A case as its sender sees it; only the status matters here. */
    async getCase(caseId: string): Promise<HubeeCaseState> {
      return caseState.parse(
        await client.requestJson({ method: "GET", path: `/cases/${encodeURIComponent(caseId)}?lite=true` }),
      );
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
