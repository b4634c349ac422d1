import { z } from "zod";
import { completeFolder, createFolder, notSubscribedMessage, uploadAttachment } from "./folder-service.ts";
import { badRequest } from "./errors.ts";
import type { StoredFolder } from "./model.ts";
import { INJECTED_SENDER_OSL, organization } from "./organizations.ts";
import { subscribedSi } from "./subscriptions.ts";
import type { HubeeStore } from "./store.ts";

/**
 * Admin shortcut for tests of the receiving side: a completed folder as if
 * another OSL (the national form) had sent it, through the same create →
 * upload → complete path as the API, so it is indistinguishable downstream.
 */

export const FORMULAIRE_QF = "FormulaireQF";

export const injectFolderSchema = z.object({
  recipientSiret: z.string().regex(/^\d{14}$/),
  externalId: z.string().min(1).max(30),
  applicant: z.object({
    firstName: z.string().min(1).max(255),
    lastName: z.string().min(1).max(255),
    email: z.email().nullish(),
  }),
  attachments: z
    .array(
      z.object({
        fileName: z.string().min(1).max(255),
        contentBase64: z.string(),
        mimeType: z.string().min(1).max(255),
        /** Attachment type; defaults to the processCode, as the national form does. */
        type: z.string().min(1).max(100).optional(),
      }),
    )
    .min(1),
  processCode: z.string().min(1).max(30).default(FORMULAIRE_QF),
  /** Defaults to `<externalId>-01`, truncated to 30 characters. */
  caseExternalId: z.string().min(1).max(30).optional(),
});
export type InjectFolderInput = z.input<typeof injectFolderSchema>;

export function injectFolder(store: HubeeStore, rawInput: InjectFolderInput, now = new Date()): StoredFolder {
  const input = injectFolderSchema.parse(rawInput);
  const subscription = subscribedSi(store, input.recipientSiret, input.processCode);
  if (!subscription) {
    // Same refusal as POST /folders, with the organisation as HubEE would resolve it.
    const unknown = organization("SI", input.recipientSiret, "?");
    throw badRequest(notSubscribedMessage(unknown, input.processCode));
  }
  const caseExternalId = input.caseExternalId ?? `${input.externalId}-01`.slice(0, 30);
  const files = input.attachments.map((a) => ({ ...a, bytes: Buffer.from(a.contentBase64, "base64") }));
  const folder = createFolder(
    store,
    INJECTED_SENDER_OSL,
    {
      processCode: input.processCode,
      externalId: input.externalId,
      applicant: input.applicant,
      cases: [{ recipient: subscription.subscriber, externalId: caseExternalId }],
      attachments: files.map((f) => ({
        fileName: f.fileName,
        type: f.type ?? input.processCode,
        size: f.bytes.length,
        mimeType: f.mimeType,
        recipients: [caseExternalId],
      })),
    },
    { editorName: "DINUM", applicationName: "Formulaire QF (simulé)", softwareVersion: "1.0.0" },
    now,
  );
  folder.attachments.forEach((attachment, i) =>
    uploadAttachment(store, folder, attachment.id, files[i].bytes, undefined, now),
  );
  completeFolder(store, folder, now);
  return folder;
}
