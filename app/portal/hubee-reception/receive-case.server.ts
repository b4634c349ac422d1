import { HubeeDigestMismatchError, type SiAttachment, type SiCase } from "~/integrations/hubee/receiver.server";
import { logger } from "~/utils/logger.server";
import { parseFormulaireQfJson, type ParsedFormulaireQf } from "../../formulaire-qf/parser";
import type { InboxRun } from "./inbox-run";

/**
 * Receiving a case: its files, each checked against the digest HubEE announced, and the
 * FormulaireQF.json they carry. Nothing is stored here (store-family.server.ts does).
 */

export const FORMULAIRE_QF_JSON = "FormulaireQF.json";

export interface DownloadedFile {
  attachment: SiAttachment;
  content: Buffer;
  sha256: string;
  hubeeDigest: string | null;
  digestVerified: boolean;
}

export interface Reception {
  files: DownloadedFile[];
  parsed: ParsedFormulaireQf | null;
  /** For agents, in French; null when the case was integrated. */
  error: string | null;
}

/** Downloads every file (checking HubEE's digest) and reads FormulaireQF.json. */
export async function receiveCase(ctx: InboxRun, kase: SiCase): Promise<Reception> {
  // The files of a case are independent downloads: side by side, kept in the case's order.
  const downloads = await Promise.all(
    kase.attachments.map(async (attachment): Promise<{ file: DownloadedFile; altered: boolean }> => {
      try {
        const downloaded = await ctx.receiver.downloadAttachment(kase.id, attachment.id, attachment.size);
        if (downloaded.hubeeDigest !== null && !downloaded.digestVerified) {
          // A digest we cannot read proves nothing either way: kept, flagged as not verified.
          logger.warn(
            { collectivityId: ctx.collectivity.id, caseId: kase.id, attachmentId: attachment.id },
            "empreinte annoncée par HubEE illisible : pièce jointe gardée, non vérifiée",
          );
        }
        return { file: { attachment, ...downloaded }, altered: false };
      } catch (error) {
        if (!(error instanceof HubeeDigestMismatchError)) throw error;
        // Kept for agents to look at, flagged as not verified; the case is reported as not integrated.
        const file = { attachment, content: error.content, sha256: error.actual, hubeeDigest: error.expected };
        return { file: { ...file, digestVerified: false }, altered: true };
      }
    }),
  );
  const files = downloads.map((download) => download.file);
  const altered = downloads.filter((download) => download.altered).length;
  if (altered > 0) {
    return {
      files,
      parsed: null,
      error:
        altered === 1
          ? "Une pièce jointe reçue ne correspond pas à l’empreinte SHA-256 annoncée par HubEE : le fichier a été altéré pendant la transmission."
          : `${altered} pièces jointes reçues ne correspondent pas à l’empreinte SHA-256 annoncée par HubEE : les fichiers ont été altérés pendant la transmission.`,
    };
  }
  const json = files.find((f) => f.attachment.fileName.toLowerCase() === FORMULAIRE_QF_JSON.toLowerCase());
  if (!json) return { files, parsed: null, error: "Le télédossier ne contient pas de fichier FormulaireQF.json." };
  const result = parseFormulaireQfJson(json.content);
  if (!result.success) {
    logger.info(
      { collectivityId: ctx.collectivity.id, caseId: kase.id, issues: result.issues },
      "FormulaireQF.json illisible",
    );
    return { files, parsed: null, error: result.error };
  }
  return { files, parsed: result.data, error: null };
}
