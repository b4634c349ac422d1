/**
 * The "identité pivot": the birth identity FranceConnect vouches for, which the national form and
 * Portail QF transmit to communes and API Particulier is queried with. Pure shared language: how it
 * is read from FranceConnect lives in auth/franceconnect-claims.ts, how API Particulier is queried
 * with it in integrations/api-particulier/identity-params.ts.
 */

/** INSEE COG code of France among birth countries. */
export const FRANCE_COG = "99100";

/** YYYY-MM-DD where FranceConnect writes unknown parts as 00 (presumed dates). */
const BIRTHDATE_FORMAT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export interface BirthdateParts {
  year: number;
  /** null when the month is unknown (presumed date YYYY-00-00). */
  month: number | null;
  /** null when the day is unknown (presumed date YYYY-MM-00 or YYYY-00-00). */
  day: number | null;
}

/** Splits a (possibly presumed) birthdate; null when it is not a date FranceConnect can send. */
export function birthdateParts(birthdate: string): BirthdateParts | null {
  const match = BIRTHDATE_FORMAT.exec(birthdate);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year === 0 || month > 12) return null;
  // Only the trailing parts may be unknown: a known day in an unknown month means nothing.
  if (month === 0) return day === 0 ? { year, month: null, day: null } : null;
  if (day === 0) return { year, month, day: null };
  const date = new Date(Date.UTC(year, month - 1, day));
  // Rejects 1962-02-30 and the like (Date rolls them over to the next month).
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return { year, month, day };
}

export interface PivotIdentity {
  /** Birth name (FranceConnect `family_name`), e.g. "TROIS-DUPRE". */
  familyName: string;
  /** All first names, in civil-status order (FranceConnect `given_name` split on spaces). */
  givenNames: string[];
  gender: "male" | "female";
  /** YYYY-MM-DD, possibly presumed: YYYY-MM-00 or YYYY-00-00. */
  birthdate: string;
  /** INSEE COG commune code; null when born abroad (or when FranceConnect has none). */
  birthplace: string | null;
  /** INSEE COG country code, "99100" for France. */
  birthcountry: string;
  /**
   * Born in France in a former commune missing from the COG (agents' manual lookups only):
   * its name and département, API Particulier's second option; birthplace is then null.
   */
  formerBirthplace?: { name: string; departement: string } | null;
}
