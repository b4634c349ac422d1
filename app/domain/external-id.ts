/**
 * The commune's own file number (`external_id` in the deep link), carried with the QF to the commune
 * in the JSON, XML and PDF attachments. Communes number their files as they like: « DOSSIER 42 #A=1&b »
 * is a real one. Whatever is printable is kept (the attachments escape it); control characters, which
 * no file number holds and which break the files they travel in, are removed.
 */

/** The longest file number carried, in characters (the national form's column holds 255). */
export const MAX_EXTERNAL_ID_LENGTH = 255;

export type ExternalIdReading = { ok: true; externalId: string | null } | { ok: false; reason: "too_long" };

// C0 and C1 controls and DEL (\p{Cc}), and lone surrogates left by a broken percent-encoding.
const UNCARRIABLE = /[\p{Cc}\p{Cs}]/gu;

/** The file number as it will travel: NFC, without control characters, trimmed; null when empty. */
export function readExternalId(raw: string | null | undefined): ExternalIdReading {
  if (raw === null || raw === undefined) return { ok: true, externalId: null };
  const cleaned = raw.normalize("NFC").replace(UNCARRIABLE, "").trim();
  if (cleaned === "") return { ok: true, externalId: null };
  if (Array.from(cleaned).length > MAX_EXTERNAL_ID_LENGTH) return { ok: false, reason: "too_long" };
  return { ok: true, externalId: cleaned };
}
