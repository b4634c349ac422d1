import { z } from "zod";
import { birthdateParts, FRANCE_COG, type PivotIdentity } from "~/domain/pivot-identity";

/** A commune code: 5 chars, the second one may be A/B for Corsica (2A004, 2B002). */
const COMMUNE_COG_FORMAT = /^[0-9][0-9AB][0-9]{3}$/;
const COUNTRY_COG_FORMAT = /^[0-9]{5}$/;

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
