import { apiErrors, type ApiParticulierError } from "./errors.ts";

/** siade serves the current month and the 23 before it (HISTORY_DEPTH_IN_MONTHS = 23): 24 months. */
export const HISTORY_DEPTH_IN_MONTHS = 23;

export interface QfPeriod {
  annee: number;
  mois: number;
}

/** The current month in France: the API runs on Paris time, so the month flips at Paris midnight. */
export function currentParisPeriod(now: Date): QfPeriod {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", year: "numeric", month: "numeric" })
    .formatToParts(now)
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  return { annee: Number(parts.year), mois: Number(parts.month) };
}

/**
 * Resolves `annee`/`mois` as the spec describes (each defaults to the current one)
 * and refuses a period in the future or older than the 24 months the API keeps.
 */
export function resolvePeriod(
  annee: string | undefined,
  mois: string | undefined,
  now: Date,
): { period: QfPeriod } | { error: ApiParticulierError } {
  const current = currentParisPeriod(now);
  if (annee !== undefined) {
    const year = Number(annee);
    if (!/^\d{4}$/.test(annee) || year < current.annee - 2 || year > current.annee) {
      return { error: apiErrors.invalidPeriod("annee") };
    }
  }
  if (mois !== undefined) {
    const month = Number(mois);
    if (!/^\d{1,2}$/.test(mois) || month < 1 || month > 12) return { error: apiErrors.invalidPeriod("mois") };
  }
  const period = { annee: annee ? Number(annee) : current.annee, mois: mois ? Number(mois) : current.mois };
  const index = period.annee * 12 + period.mois;
  const currentIndex = current.annee * 12 + current.mois;
  if (index > currentIndex) return { error: apiErrors.invalidPeriod(mois ? "mois" : "annee") };
  if (index < currentIndex - HISTORY_DEPTH_IN_MONTHS)
    return { error: apiErrors.invalidPeriod(annee ? "annee" : "mois") };
  return { period };
}
