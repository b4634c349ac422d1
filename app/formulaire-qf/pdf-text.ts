import { formatBirthdateFr, formatMonthYear } from "../domain/format";
import { formatLongDateTime } from "../domain/paris-time";

/**
 * French wording helpers for the PDF attestation. Kept apart from the layout so they can be
 * tested without rendering a PDF.
 */

/** "février 2024". */
export const monthYearFr = formatMonthYear;

/** "le 24/08/1962", or "en 08/1962" / "en 1962" when the day is unknown. */
export function bornOnFr(birthdate: string): string {
  const formatted = formatBirthdateFr(birthdate);
  return /^\d{2}\/\d{2}\/\d{4}$/.test(formatted) ? `le ${formatted}` : `en ${formatted}`;
}

/** "26 novembre 2025 à 17:15", in metropolitan French time whatever the server's time zone. */
export function dateTimeFr(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // A formatter built once per process: building one cost an eighth of an attestation's time.
  return formatLongDateTime(date);
}

/**
 * Characters the PDF's standard Helvetica can draw: it is encoded in WinAnsi (Windows-1252),
 * which covers French (é, è, ç, œ, Œ, æ, ÿ…) but not every name a family file may hold.
 */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
const isWinAnsi = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(ch);
};

/**
 * Makes text drawable in Helvetica: a letter outside WinAnsi loses its accent when that makes it
 * drawable (ș becomes s), anything else becomes "?" (ł has no accent to drop); line breaks and
 * control characters become spaces. The JSON and XML attachments carry the exact values.
 */
export function pdfSafe(text: string): string {
  return Array.from(text.normalize("NFC"), (ch) => {
    if (isWinAnsi(ch)) return ch;
    if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(ch)) return " ";
    const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
    return base !== "" && Array.from(base).every(isWinAnsi) ? base : "?";
  }).join("");
}
