import type { QfRequestParams } from "./civility-params.ts";

/**
 * A stable key for "one family asked about", used by the admin stats so tests can
 * assert that no family was requested twice. It ignores case, accents, spacing,
 * `nomUsage` and the birthplace (options 1 and 2 describe the same person), and
 * keeps name, first names, birth date and sex: `DUBOIS|ANGELA CLAIRE LOUISE|1962-08-24|F`.
 */
export function identityKey(params: QfRequestParams): string {
  const date = [
    params.anneeDateNaissance ?? "????",
    twoDigits(params.moisDateNaissance) ?? "??",
    twoDigits(params.jourDateNaissance) ?? "??",
  ].join("-");
  return [
    normalizeName(params.nomNaissance),
    normalizeName(params.prenoms?.join(" ")),
    date,
    normalizeName(params.sexeEtatCivil),
  ].join("|");
}

export function normalizeName(value: string | undefined): string {
  return (value ?? "")
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toUpperCase()
    .replace(/\s+/g, " ")
    .trim();
}

function twoDigits(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.padStart(2, "0");
}
