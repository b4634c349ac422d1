import { FAMILY_FILE_RETENTION_MAX_YEARS as MAX, FAMILY_FILE_RETENTION_MIN_YEARS as MIN } from "~/retention-periods";

/**
 * The retention form's one field, checked the same way whether the browser enforced min/max
 * or not (no JavaScript, hand-made request): a French message tied to the field, never a 500.
 */
export type RetentionYearsResult = { ok: true; years: number } | { ok: false; error: string };

export function parseRetentionYears(raw: unknown): RetentionYearsResult {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") return { ok: false, error: `Saisissez une durée en années, entre ${MIN} et ${MAX}.` };
  if (!/^[0-9]+$/.test(text)) {
    return { ok: false, error: `Saisissez un nombre entier d’années, sans virgule, entre ${MIN} et ${MAX}.` };
  }
  const years = Number(text);
  if (years < MIN || years > MAX) {
    return { ok: false, error: `La durée de conservation doit être comprise entre ${MIN} et ${MAX} ans.` };
  }
  return { ok: true, years };
}

/** The instant before which a file's last QF makes it expired: `years` calendar years before `now`. */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}
