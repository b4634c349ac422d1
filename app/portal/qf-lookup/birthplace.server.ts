import { cogCommunes, cogCountries, type CogCommune, type CogCountry } from "~/geo/insee-cog.server";
import { foldForSearch } from "../family-files/family-identity";

/**
 * Birth communes and countries chosen by name (INSEE COG), for the QF lookup form: the
 * autocomplete's suggestions, and the server-side resolution of what the agent typed, which is
 * all there is without JavaScript.
 */

export interface BirthCommune {
  code: string;
  /** "Angers", "Paris 7e Arrondissement". */
  label: string;
  departement: string;
  type: string;
}

/** What the autocomplete proposes and what the server recognises back: "Angers (49)". */
export const communeOptionLabel = (commune: Pick<BirthCommune, "label" | "departement">) =>
  `${commune.label} (${commune.departement})`;

/** "commune déléguée" etc., so two communes of the same name can be told apart. */
export const COMMUNE_TYPE_LABELS: Record<string, string> = {
  COM: "commune",
  COMD: "commune déléguée",
  COMA: "commune associée",
  ARM: "arrondissement municipal",
};

/**
 * Paris, Lyon and Marseille: births there are recorded by arrondissement (75107, not 75056),
 * so only their arrondissements are offered.
 */
const CITIES_WITH_ARRONDISSEMENTS = new Set(["75056", "69123", "13055"]);

/** Folded for comparison: accents, case, hyphens and apostrophes ignored, "St" read as "Saint". */
export function foldPlaceName(text: string): string {
  return foldForSearch(text)
    .replace(/['-]/g, " ")
    .replace(/\bste\b/g, "sainte")
    .replace(/\bst\b/g, "saint")
    .replace(/\s+/g, " ")
    .trim();
}

interface IndexedCommune {
  commune: BirthCommune;
  key: string;
}

let index: IndexedCommune[] | undefined;

function communeIndex(): IndexedCommune[] {
  if (!index) {
    index = [...cogCommunes().values()]
      .filter((c: CogCommune) => !CITIES_WITH_ARRONDISSEMENTS.has(c.code) || c.type !== "COM")
      .map((c) => ({
        commune: { code: c.code, label: c.label, departement: c.departement, type: c.type },
        key: foldPlaceName(c.label),
      }))
      .sort((a, b) => a.key.localeCompare(b.key) || a.commune.departement.localeCompare(b.commune.departement));
  }
  return index;
}

/** A trailing "(49)" / "(2A)" / "(971)", as the autocomplete's options carry. */
const DEPARTEMENT_SUFFIX = /\s*\(\s*([0-9]{2,3}|2[AB])\s*\)\s*$/i;

function splitDepartement(input: string): { name: string; departement: string | null } {
  const match = DEPARTEMENT_SUFFIX.exec(input);
  if (!match) return { name: input, departement: null };
  return { name: input.slice(0, match.index), departement: match[1]!.toUpperCase() };
}

const rank = (entry: IndexedCommune, query: string) =>
  entry.key === query ? 0 : entry.key.startsWith(`${query} `) ? 1 : entry.key.startsWith(query) ? 2 : 3;

/**
 * Communes whose name starts with (or has a word starting with) the query: exact names first,
 * then prefixes, then the rest; at most `limit`. The autocomplete's data.
 */
export function searchBirthCommunes(query: string, limit = 20): BirthCommune[] {
  const { name, departement } = splitDepartement(query);
  const folded = foldPlaceName(name);
  if (folded.length < 2) return [];
  const matches = communeIndex().filter(
    (entry) =>
      (departement === null || entry.commune.departement === departement) &&
      (entry.key.startsWith(folded) || entry.key.includes(` ${folded}`)),
  );
  return matches
    .sort((a, b) => rank(a, folded) - rank(b, folded) || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map((entry) => entry.commune);
}

export type CommuneResolution =
  | { kind: "found"; commune: BirthCommune }
  /** Several communes bear this name: the agent picks one (radio buttons). */
  | { kind: "ambiguous"; candidates: BirthCommune[] }
  /** No commune of that name: close names to choose from, if any, and the former-commune option. */
  | { kind: "none"; suggestions: BirthCommune[] };

/**
 * What the agent typed (a name, possibly "Name (dep)") to one commune. `chosenCode` is the radio
 * button picked after an ambiguous answer; it only counts if it still fits the typed name.
 */
export function resolveBirthCommune(input: string, chosenCode?: string | null): CommuneResolution {
  const { name, departement } = splitDepartement(input);
  const folded = foldPlaceName(name);
  const exact = communeIndex().filter(
    (entry) => entry.key === folded && (departement === null || entry.commune.departement === departement),
  );
  const chosen = chosenCode ? exact.find((entry) => entry.commune.code === chosenCode) : undefined;
  if (chosen) return { kind: "found", commune: chosen.commune };
  if (exact.length === 1) return { kind: "found", commune: exact[0]!.commune };
  if (exact.length > 1) return { kind: "ambiguous", candidates: exact.map((entry) => entry.commune) };
  const suggestions = folded.length >= 2 ? searchBirthCommunes(input, 10) : [];
  // A close name the agent picked among the suggestions of a name that matched none.
  const suggested = chosenCode ? suggestions.find((commune) => commune.code === chosenCode) : undefined;
  if (suggested) return { kind: "found", commune: suggested };
  return { kind: "none", suggestions };
}

export const FRANCE: CogCountry = { code: "99100", label: "France" };

/** A country by its name (accents and case ignored) or its 5-digit INSEE code; null when unknown. */
export function resolveBirthCountry(input: string): CogCountry | null {
  const text = input.trim();
  if (/^99[0-9]{3}$/.test(text)) return cogCountries().get(text) ?? null;
  const folded = foldPlaceName(text);
  if (!folded) return null;
  for (const country of cogCountries().values()) if (foldPlaceName(country.label) === folded) return country;
  return null;
}

/** Every country name, for the country field's list (rendered in the page: works without JavaScript). */
export function countryNames(): string[] {
  return [...cogCountries().values()].map((c) => c.label).sort((a, b) => a.localeCompare(b, "fr"));
}
