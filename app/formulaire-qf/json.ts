import { formulaireQfDocument } from "./document";
import type { ShipmentData } from "./types";

export const FORMULAIRE_QF_JSON_FILE_NAME = "FormulaireQF.json";

/**
 * Rails' to_json (what the reference sends) writes <, > and & as \u escapes, and U+2028/U+2029
 * too; doing the same keeps the bytes close to what communes already receive and makes the file
 * harmless if some software pastes it into HTML or a script. Any JSON parser reads the same values.
 */
const RAILS_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** FormulaireQF.json: compact UTF-8 JSON, no indentation, like the reference. */
export function buildFormulaireQfJson(data: ShipmentData): Buffer {
  // These characters can only occur inside strings (keys are ours), where the escape is equivalent.
  const json = JSON.stringify(formulaireQfDocument(data)).replace(/[<>&\u2028\u2029]/g, (c) => RAILS_ESCAPES[c]!);
  return Buffer.from(json, "utf8");
}
