import { isRepeated, scalar, type RawQuery } from "./query-params.ts";

/** Scalar identity parameters of `/identite`, as named in api_particulier.yaml. */
export const CIVILITY_SCALARS = [
  "nomNaissance",
  "nomUsage",
  "anneeDateNaissance",
  "moisDateNaissance",
  "jourDateNaissance",
  "sexeEtatCivil",
  "codeCogInseePaysNaissance",
  "codeCogInseeCommuneNaissance",
  "nomCommuneNaissance",
  "codeCogInseeDepartementNaissance",
] as const;

export const PERIOD_SCALARS = ["annee", "mois"] as const;

type ScalarName = (typeof CIVILITY_SCALARS)[number] | (typeof PERIOD_SCALARS)[number];

/**
 * Everything that identifies a QF request apart from `recipient`: the shape the
 * staging fixtures use in their `params`, so a request can be matched against them.
 */
export type QfRequestParams = Partial<Record<ScalarName, string>> & { prenoms?: string[] };

export interface ParsedQfQuery {
  params: QfRequestParams;
  /** Parameters present in a shape the API rejects (repeated scalar, `prenoms` without `[]`). */
  malformed: string[];
}

const PRENOMS_KEY = /^prenoms\[\d*\]$/;

export function qfParamsFromQuery(query: RawQuery): ParsedQfQuery {
  const params: QfRequestParams = {};
  const malformed: string[] = [];
  for (const name of [...CIVILITY_SCALARS, ...PERIOD_SCALARS]) {
    if (isRepeated(query, name)) malformed.push(name);
    const value = scalar(query, name);
    if (value !== undefined) params[name] = value;
  }
  const prenoms: string[] = [];
  for (const [key, values] of query) {
    if (PRENOMS_KEY.test(key)) prenoms.push(...values.map((v) => v.trim()));
  }
  if (prenoms.length > 0) params.prenoms = prenoms;
  // Rails reads `prenoms=X` as a string, which the API refuses: the spec names it `prenoms[]`.
  if (query.has("prenoms")) malformed.push("prenoms[]");
  return { params, malformed };
}
