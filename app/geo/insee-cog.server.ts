import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * INSEE Code officiel géographique (early 2025 edition, Licence Ouverte),
 * shipped in db/reference-data/insee-cog: communes, countries and départements.
 * Loaded once, on first use.
 */

export interface CogCommune {
  code: string;
  /** Name with its article, e.g. "L'Abergement-Clémenciat". */
  label: string;
  departement: string;
  /** COM, COMD (déléguée), COMA (associée), ARM (arrondissement municipal). */
  type: string;
}

export interface CogCountry {
  code: string;
  label: string;
}

export interface CogDepartement {
  /** "49", "2A", "974": the DEP code communes.csv uses. */
  code: string;
  /** Official name, e.g. "Maine-et-Loire". */
  label: string;
}

const DATA_DIR = path.resolve(process.cwd(), "db/reference-data/insee-cog");

let communes: Map<string, CogCommune> | undefined;
let countries: Map<string, CogCountry> | undefined;
let departements: Map<string, CogDepartement> | undefined;

/** Splits one CSV line of the INSEE files (comma-separated, double-quoted fields). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(current);
      current = "";
    } else current += char;
  }
  fields.push(current);
  return fields;
}

function readRows(file: string): string[][] {
  return readFileSync(path.join(DATA_DIR, file), "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map(parseCsvLine);
}

export function cogCommunes(): Map<string, CogCommune> {
  if (!communes) {
    communes = new Map();
    for (const [type, code, , dep, , , , , , label] of readRows("communes.csv")) {
      // A code can appear as a commune and as a delegated one: the full commune wins.
      if (!code || (communes.has(code) && type !== "COM")) continue;
      communes.set(code, { code, label: label ?? code, departement: dep ?? "", type: type ?? "" });
    }
  }
  return communes;
}

export function cogCountries(): Map<string, CogCountry> {
  if (!countries) {
    countries = new Map();
    for (const [code, label] of readRows("pays.csv")) if (code) countries.set(code, { code, label: label ?? code });
  }
  return countries;
}

/** The 101 départements (departements.csv: DEP, REG, CHEFLIEU, TNCC, NCC, NCCENR, LIBELLE). */
export function cogDepartements(): Map<string, CogDepartement> {
  if (!departements) {
    departements = new Map();
    for (const [code, , , , , , label] of readRows("departements.csv")) {
      if (code) departements.set(code, { code, label: label ?? code });
    }
  }
  return departements;
}

/** "49 — Maine-et-Loire": people know their département by name, communes' data by number. */
export function describeDepartement(code: string): string {
  const departement = cogDepartements().get(code);
  return departement ? `${code} — ${departement.label}` : `Département ${code}`;
}

/** "Paris 7e Arrondissement (75)" or "Espagne"; the raw code when unknown. */
export function describeBirthplace(birthplace: string | null, birthcountry: string): string {
  if (birthplace) {
    const commune = cogCommunes().get(birthplace);
    return commune ? `${commune.label} (${commune.departement})` : `Commune de code INSEE ${birthplace}`;
  }
  const country = cogCountries().get(birthcountry);
  return country ? `${country.label}` : `Pays de code INSEE ${birthcountry}`;
}
