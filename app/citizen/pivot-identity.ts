import { z } from "zod";

/**
 * The "identité pivot" FranceConnect hands us, and what we derive from it:
 * the query of API Particulier's identity route and the display of dates.
 */

/** INSEE COG code of France among birth countries. */
export const FRANCE_COG = "99100";

/** YYYY-MM-DD where FranceConnect writes unknown parts as 00 (presumed dates). */
const BIRTHDATE_FORMAT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
/** A commune code: 5 chars, the second one may be A/B for Corsica (2A004, 2B002). */
const COMMUNE_COG_FORMAT = /^[0-9][0-9AB][0-9]{3}$/;
const COUNTRY_COG_FORMAT = /^[0-9]{5}$/;

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

const claimsSchema = z.object({
  family_name: z.string().trim().min(1),
  // Some people have no first name: FranceConnect then sends an empty string.
  given_name: z.string().trim(),
  given_name_array: z.array(z.string()).optional(),
  gender: z.enum(["male", "female"]),
  birthdate: z.string().refine((value) => birthdateParts(value) !== null, "Date de naissance invalide"),
  birthcountry: z.string().regex(COUNTRY_COG_FORMAT),
  // Empty (or absent) for people born abroad.
  birthplace: z
    .string()
    .nullish()
    .transform((value) => value ?? ""),
  preferred_username: z.string().nullish(),
});

/** The claims of FranceConnect's `identite_pivot` scope (formats: README §1). */
export interface FranceConnectClaims {
  /** All first names, space-separated. */
  given_name: string;
  given_name_array?: string[];
  family_name: string;
  /** YYYY-MM-DD, or presumed YYYY-MM-00 / YYYY-00-00. */
  birthdate: string;
  gender: "male" | "female";
  /** INSEE COG commune code, empty for people born abroad. */
  birthplace: string;
  birthcountry: string;
  /** Usage name, when the citizen has one. */
  preferred_username?: string;
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

/** Claims FranceConnect sent that we cannot trust to identify the citizen. */
export class InvalidFranceConnectClaimsError extends Error {
  override name = "InvalidFranceConnectClaimsError";
  /** Which claims are wrong and why; never their values, which are personal data bound for the logs. */
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`Identité pivot FranceConnect invalide : ${issues.join(" ; ")}`);
    this.issues = issues;
  }
}

/**
 * Validates FranceConnect claims (the verified userinfo payload: a FranceConnectClaims, typed `unknown`
 * because nothing in it is trusted yet) and derives the pivot identity. Throws InvalidFranceConnectClaimsError.
 */
export function pivotIdentityFromClaims(claims: unknown): PivotIdentity {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) {
    throw new InvalidFranceConnectClaimsError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(racine)"}: ${issue.code}`),
    );
  }
  const c = parsed.data;
  const bornInFrance = c.birthcountry === FRANCE_COG;
  if (bornInFrance && c.birthplace !== "" && !COMMUNE_COG_FORMAT.test(c.birthplace)) {
    throw new InvalidFranceConnectClaimsError(["birthplace: invalid_format"]);
  }
  return {
    familyName: c.family_name,
    givenNames: splitGivenNames(c.given_name),
    gender: c.gender,
    birthdate: c.birthdate,
    // Born abroad, the commune is meaningless for every API we call (API Particulier wants it
    // omitted), and identity providers have been seen sending text or odd codes there: drop it.
    birthplace: bornInFrance && c.birthplace !== "" ? c.birthplace : null,
    birthcountry: c.birthcountry,
  };
}

/**
 * FranceConnect puts all first names in `given_name`, separated by spaces; a compound first name
 * keeps its hyphen ("Jean-Pierre" is one name, "Jean Pierre" two). The national form and API
 * Particulier both work from this split, so we do too rather than from `given_name_array`.
 */
function splitGivenNames(givenName: string): string[] {
  return givenName.split(/\s+/).filter((name) => name !== "");
}

/** API Particulier takes at most 3 first names; the first ones are the most discriminating. */
const MAX_PRENOMS = 3;

/**
 * Query parameters of `GET /v3/dss/quotient_familial/identite` for this identity (option 1: the
 * commune COG code; option 2, name + département, for a former commune). Unknown parts of a
 * presumed birthdate are left out, as the API ignores a day without a month anyway; the commune
 * is left out for people born abroad, as the API requires.
 */
export function toApiParticulierIdentityParams(
  identity: PivotIdentity,
  recipientSiret: string,
  period?: { annee: number; mois: number },
): URLSearchParams {
  const params = new URLSearchParams();
  params.set("recipient", recipientSiret);
  params.set("nomNaissance", identity.familyName);
  for (const prenom of identity.givenNames.slice(0, MAX_PRENOMS)) params.append("prenoms[]", prenom);
  const parts = birthdateParts(identity.birthdate);
  if (parts) {
    params.set("anneeDateNaissance", String(parts.year));
    if (parts.month !== null) params.set("moisDateNaissance", String(parts.month));
    if (parts.month !== null && parts.day !== null) params.set("jourDateNaissance", String(parts.day));
  }
  params.set("sexeEtatCivil", identity.gender === "female" ? "F" : "M");
  params.set("codeCogInseePaysNaissance", identity.birthcountry);
  if (identity.birthplace !== null && identity.birthcountry === FRANCE_COG) {
    params.set("codeCogInseeCommuneNaissance", identity.birthplace);
  } else if (identity.formerBirthplace && identity.birthcountry === FRANCE_COG) {
    // Option 2: API Particulier finds the commune's code from its name, département and birth year.
    params.set("nomCommuneNaissance", identity.formerBirthplace.name);
    params.set("codeCogInseeDepartementNaissance", identity.formerBirthplace.departement);
  }
  if (period) {
    params.set("annee", String(period.annee));
    params.set("mois", String(period.mois));
  }
  return params;
}

/** "24/08/1962", or "08/1962" / "1962" for presumed dates; the input unchanged if it is no date. */
export function formatBirthdateFr(birthdate: string): string {
  const parts = birthdateParts(birthdate);
  if (!parts) return birthdate;
  const pad = (n: number) => String(n).padStart(2, "0");
  const year = String(parts.year).padStart(4, "0");
  if (parts.month === null) return year;
  if (parts.day === null) return `${pad(parts.month)}/${year}`;
  return `${pad(parts.day)}/${pad(parts.month)}/${year}`;
}
