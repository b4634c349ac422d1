import { create } from "xmlbuilder2";
import { formulaireQfDocument } from "./document";
import type { ShipmentData } from "./types";

export const FORMULAIRE_QF_XML_FILE_NAME = "FormulaireQF.xml";

type XMLBuilder = ReturnType<typeof create>;

/**
 * FormulaireQF.xml: the same document as the JSON, in the exact XML dialect the reference produces
 * (Rails' Hash#to_xml), since communes' software already parses that:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <hash>
 *     <external-id nil="true"/>                       null  → nil="true"
 *     <pivot-identity><family-name>DUBOIS</family-name>…   underscores in keys → dashes
 *     <quotient-familial-v3>
 *       <allocataires type="array"><allocataire>…</allocataire></allocataires>   arrays → singular children
 *       <quotient-familial><valeur type="integer">2550</valeur>…             integers typed
 *     <quotient-familial><regime>CNAF</regime><quotientFamilial type="integer">…  camelCase kept
 *
 * Strings carry no type attribute; an empty string is an empty element. 2-space indentation.
 */
export function buildFormulaireQfXml(data: ShipmentData): Buffer {
  const doc = create({ version: "1.0", encoding: "UTF-8" });
  appendHash(doc.ele("hash"), formulaireQfDocument(data) as unknown as Record<string, unknown>);
  const xml = doc.end({ prettyPrint: true, indent: "  " });
  // Rails writes an empty string as <name></name>, a nil or an empty array self-closed with its
  // attributes: the only self-closed tags without attributes are empty strings.
  return Buffer.from(xml.replace(/<([A-Za-z][\w.-]*)\/>/g, "<$1></$1>") + "\n", "utf8");
}

function appendHash(parent: XMLBuilder, hash: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(hash)) appendValue(parent, dasherize(key), value);
}

function appendValue(parent: XMLBuilder, name: string, value: unknown): void {
  if (value === undefined) return; // absent, as in the JSON
  if (value === null) {
    parent.ele(name, { nil: "true" });
  } else if (typeof value === "string") {
    parent.ele(name).txt(preEscapeAmpersands(xmlText(value)));
  } else if (typeof value === "number") {
    parent.ele(name, { type: Number.isInteger(value) ? "integer" : "float" }).txt(String(value));
  } else if (typeof value === "boolean") {
    parent.ele(name, { type: "boolean" }).txt(String(value));
  } else if (Array.isArray(value)) {
    const list = parent.ele(name, { type: "array" });
    const child = singularize(name);
    for (const item of value) appendValue(list, child, item);
  } else if (typeof value === "object") {
    appendHash(parent.ele(name), value as Record<string, unknown>);
  } else {
    throw new TypeError(`Valeur non sérialisable en XML pour <${name}>`);
  }
}

/** Rails dasherizes keys (external_id → external-id) and leaves camelCase alone. */
const dasherize = (key: string) => key.replace(/_/g, "-");

/** Rails names array items after the singular of the array (allocataires → allocataire, enfants → enfant). */
const singularize = (name: string) => (name.endsWith("s") ? name.slice(0, -1) : `${name}-item`);

/**
 * Text XML 1.0 can carry: control characters (other than tab and line feed), lone surrogates and
 * U+FFFE/U+FFFF are not allowed anywhere, even escaped, so they are dropped (Rails' Builder turns
 * them into "*"). A carriage return would come back as a line feed from any parser, so it is
 * normalised here rather than silently changed there. &, < and > are escaped by xmlbuilder2.
 */
export function xmlText(value: string): string {
  return value.replace(/\r\n?/g, "\n").replace(/[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
}

/**
 * xmlbuilder2 escapes "&" only when it does not already start an entity (`&amp;`, `&x;`, `&#0;`
 * pass through as markup), so a value holding "&lt;" would reach the commune as "<", and "&x;"
 * would make the whole file unparsable: a commune's deep link controls external_id. Escaping every
 * "&" ourselves leaves xmlbuilder2 only entities it keeps, and the text round-trips exactly.
 */
const preEscapeAmpersands = (text: string) => text.replace(/&/g, "&amp;");
