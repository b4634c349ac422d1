import type { QfRequestParams } from "./civility-params.ts";
import { apiErrors, type ApiParticulierError } from "./errors.ts";
import { isSyntheticName } from "./synthetic-population.ts";

/** A validated pivot identity, as the CNAF/MSA provider would receive it. */
export interface Civility {
  nomNaissance: string;
  nomUsage?: string;
  prenoms: string[];
  /** Month is dropped without a year and day without a month, as the spec says they are ignored. */
  birth: { year?: number; month?: number; day?: number };
  sexe: "M" | "F";
  paysNaissance: string;
  /** Option 1 for people born in France. */
  communeNaissance?: string;
  /** Option 2 for people born in France (with `birth.year`). */
  nomCommuneNaissance?: string;
  departementNaissance?: string;
}

export const FRANCE_COG = "99100";

// Character sets and code shapes are siade's (Civility::ValidateNomNaissance, CNAV::ValidatePrenoms,
// CNAV::ValidateCodeCogINSEECommuneNaissance): production refuses what they refuse.
const NAME_CHARS = /^[a-zA-ZÀ-ÖØ-öø-ÿ' -]+$/;
// Simulator-only: synthetic families may be numbered (SYNTH00042); production refuses digits in names.
const SYNTHETIC_NAME_CHARS = /^[a-zA-Z0-9À-ÖØ-öø-ÿ' -]+$/;
const COMMUNE_COG = /^([013-9]\d|2[AB1-9])\d{3}$/;
const DEPARTEMENT_COG = /^(\d{2}|2[AB]|97\d)$/;
const COUNTRY_COG = /^\d{5}$/;
// 92352 is "Algérie française", accepted by siade beside the 99xxx country codes.
const FRENCH_ALGERIA_COG = "92352";

/**
 * Validates identity parameters exactly as API Particulier does before calling the
 * provider. Every faulty parameter yields its own 422 `00366` entry (source.parameter
 * names it) so that client developers see all problems at once.
 */
export function validateCivility(
  params: QfRequestParams,
  malformed: string[],
  now: Date,
): { civility: Civility } | { errors: ApiParticulierError[] } {
  const invalid = new Set<string>(malformed);
  const { nomNaissance, prenoms, sexeEtatCivil, codeCogInseePaysNaissance: pays } = params;

  const nameChars = isSyntheticName(nomNaissance) ? SYNTHETIC_NAME_CHARS : NAME_CHARS;
  if (!nomNaissance || !nameChars.test(nomNaissance)) invalid.add("nomNaissance");
  if (!prenoms || prenoms.length < 1 || prenoms.length > 3 || !prenoms.every((p) => NAME_CHARS.test(p))) {
    invalid.add("prenoms[]");
  }
  const sexe = sexeEtatCivil?.toUpperCase();
  if (sexe !== "M" && sexe !== "F") invalid.add("sexeEtatCivil");
  const paysValid = !!pays && COUNTRY_COG.test(pays) && (pays.startsWith("99") || pays === FRENCH_ALGERIA_COG);
  if (!paysValid) invalid.add("codeCogInseePaysNaissance");

  const birth = validateBirthDate(params, now, invalid);
  if (paysValid) validateBirthplace(params, invalid);

  if (invalid.size > 0) return { errors: [...invalid].map((p) => apiErrors.invalidCivility(p)) };
  return {
    civility: {
      nomNaissance: nomNaissance!,
      nomUsage: params.nomUsage,
      prenoms: prenoms!,
      birth,
      sexe: sexe as "M" | "F",
      paysNaissance: pays!,
      communeNaissance: params.codeCogInseeCommuneNaissance,
      nomCommuneNaissance: params.codeCogInseeCommuneNaissance ? undefined : params.nomCommuneNaissance,
      departementNaissance: params.codeCogInseeCommuneNaissance ? undefined : params.codeCogInseeDepartementNaissance,
    },
  };
}

function validateBirthDate(params: QfRequestParams, now: Date, invalid: Set<string>): Civility["birth"] {
  const year = integerParam(params.anneeDateNaissance, 4, 1800, now.getUTCFullYear());
  const month = integerParam(params.moisDateNaissance, 2, 1, 12);
  const day = integerParam(params.jourDateNaissance, 2, 1, 31);
  if (year === null) invalid.add("anneeDateNaissance");
  if (month === null) invalid.add("moisDateNaissance");
  if (day === null) invalid.add("jourDateNaissance");
  if (year && month && day) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() !== month - 1 || date.getTime() > now.getTime()) invalid.add("jourDateNaissance");
  }
  if (!year) return {};
  if (!month) return { year };
  return day ? { year, month, day } : { year, month };
}

/** undefined = absent, null = present but invalid. */
function integerParam(
  value: string | undefined,
  maxDigits: number,
  min: number,
  max: number,
): number | undefined | null {
  if (value === undefined) return undefined;
  if (!new RegExp(`^\\d{1,${maxDigits}}$`).test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/**
 * Option 1 (`codeCogInseeCommuneNaissance`) wins when given, as in siade. Without it,
 * someone born in France needs the complete option 2 triple; someone born abroad needs
 * nothing.
 */
function validateBirthplace(params: QfRequestParams, invalid: Set<string>): void {
  const code = params.codeCogInseeCommuneNaissance;
  if (code !== undefined) {
    if (!COMMUNE_COG.test(code)) invalid.add("codeCogInseeCommuneNaissance");
    return;
  }
  if (params.codeCogInseePaysNaissance !== FRANCE_COG) return;
  const { nomCommuneNaissance, codeCogInseeDepartementNaissance, anneeDateNaissance } = params;
  if (!nomCommuneNaissance && !codeCogInseeDepartementNaissance) {
    invalid.add("codeCogInseeCommuneNaissance");
    return;
  }
  if (!nomCommuneNaissance) invalid.add("nomCommuneNaissance");
  if (!codeCogInseeDepartementNaissance || !DEPARTEMENT_COG.test(codeCogInseeDepartementNaissance.toUpperCase())) {
    invalid.add("codeCogInseeDepartementNaissance");
  }
  if (!anneeDateNaissance) invalid.add("anneeDateNaissance");
}
