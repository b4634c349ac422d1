import { readFileSync } from "node:fs";

/** One row of the FranceConnect integration test identities (test-users.csv). */
export interface FranceConnectTestUser {
  login: string;
  password: string;
  family_name: string;
  preferred_username: string;
  given_name: string;
  gender: string;
  email: string;
  phone_number: string;
  birthdate: string;
  birthplace: string;
  birthcountry: string;
  country: string;
  locality: string;
  postal_code: string;
  street_address: string;
}

/** The pivot identity, in FranceConnect's exact formats. */
export interface PivotIdentity {
  given_name: string;
  given_name_array: string[];
  family_name: string;
  birthdate: string;
  gender: string;
  birthplace: string;
  birthcountry: string;
}

export const PIVOT_CLAIMS = [
  "given_name",
  "given_name_array",
  "family_name",
  "birthdate",
  "gender",
  "birthplace",
  "birthcountry",
] as const;

/** Splits one CSV line; quoted fields ("a,b" and "" escapes) are supported. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(current);
      current = "";
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

export function parseTestUsers(csv: string): FranceConnectTestUser[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== "");
  const [header, ...rows] = lines;
  const columns = splitCsvLine(header ?? "");
  return rows.map((row) => {
    const values = splitCsvLine(row);
    return Object.fromEntries(columns.map((c, i) => [c, values[i] ?? ""])) as unknown as FranceConnectTestUser;
  });
}

/** The integration test users, read from the copy kept beside this file. */
export function loadTestUsers(): FranceConnectTestUser[] {
  return parseTestUsers(readFileSync(new URL("./test-users.csv", import.meta.url), "utf8"));
}

export function pivotIdentity(user: FranceConnectTestUser): PivotIdentity {
  return {
    given_name: user.given_name,
    given_name_array: user.given_name.split(" ").filter(Boolean),
    family_name: user.family_name,
    birthdate: user.birthdate,
    gender: user.gender,
    // Empty for people born abroad, as FranceConnect sends it.
    birthplace: user.birthplace,
    birthcountry: user.birthcountry,
  };
}

/** Every claim FranceConnect can release for this user (sub excluded). */
export function userClaims(user: FranceConnectTestUser): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...pivotIdentity(user),
    preferred_username: user.preferred_username,
  };
  if (user.email) claims.email = user.email;
  if (user.phone_number) claims.phone_number = user.phone_number;
  if (user.street_address || user.locality || user.postal_code || user.country) {
    claims.address = {
      country: user.country,
      locality: user.locality,
      postal_code: user.postal_code,
      street_address: user.street_address,
      formatted: [user.street_address, `${user.postal_code} ${user.locality}`.trim(), user.country]
        .filter(Boolean)
        .join(" "),
    };
  }
  return claims;
}
