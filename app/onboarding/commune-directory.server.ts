import { readFileSync } from "node:fs";
import path from "node:path";
import { parseCsvLine } from "~/geo/insee-cog.server";

/**
 * Current communes of the INSEE Code officiel géographique (the file shipped in
 * db/reference-data/insee-cog), to turn the INSEE code a DataPass payload may
 * carry into the commune's name and département. Loaded once, on first use.
 */

export interface CommuneIdentity {
  /** INSEE code of the current commune (never an arrondissement or a former commune). */
  codeCog: string;
  /** Official name with its article: "Les Sables-d'Olonne". */
  name: string;
  departement: string;
}

interface CogRow {
  type: string;
  departement: string;
  name: string;
  /** For ARM (arrondissement), COMD (déléguée), COMA (associée): the commune they belong to. */
  parent: string;
}

const COMMUNES_FILE = path.resolve(process.cwd(), "db/reference-data/insee-cog/communes.csv");

let rows: Map<string, CogRow> | undefined;

function cogRows(): Map<string, CogRow> {
  if (!rows) {
    rows = new Map();
    const lines = readFileSync(COMMUNES_FILE, "utf8").split(/\r?\n/).slice(1);
    for (const line of lines) {
      if (line.trim() === "") continue;
      const [type = "", code = "", , departement = "", , , , , , name = "", , parent = ""] = parseCsvLine(line);
      // A code can be both a commune and one of its former communes: the commune wins.
      if (!code || (rows.has(code) && type !== "COM")) continue;
      rows.set(code, { type, departement, name, parent });
    }
  }
  return rows;
}

/**
 * The current commune of an INSEE code, or null when the code is unknown. An
 * arrondissement (Paris, Lyon, Marseille) or a former commune now delegated or
 * associated leads to the commune it belongs to: SIRENE addresses can use them,
 * HubEE and citizens know the commune.
 */
export function findCommuneByCog(code: string): CommuneIdentity | null {
  const all = cogRows();
  let row = all.get(code.trim().toUpperCase());
  let codeCog = code.trim().toUpperCase();
  if (row && row.type !== "COM" && row.parent) {
    codeCog = row.parent;
    row = all.get(row.parent);
  }
  if (!row || row.type !== "COM") return null;
  return { codeCog, name: row.name, departement: row.departement };
}
