import { formulaireQfDocument } from "~/formulaire-qf/document";
import { buildFormulaireQfJson } from "~/formulaire-qf/json";
import { buildFormulaireQfXml } from "~/formulaire-qf/xml";
import { EXAMPLE_SHIPMENT } from "./example-shipment";

/*
 * The example attachments, built by the code that builds the real ones. Server-only: the XML
 * builder needs Node built-ins, and the pages only need the resulting text.
 */

export const exampleFormulaireQfJson = (): Buffer => buildFormulaireQfJson(EXAMPLE_SHIPMENT);
export const exampleFormulaireQfXml = (): Buffer => buildFormulaireQfXml(EXAMPLE_SHIPMENT);
/** FormulaireQF.json indented for reading (the file itself is compact). */
export const exampleFormulaireQfJsonPretty = (): string =>
  JSON.stringify(formulaireQfDocument(EXAMPLE_SHIPMENT), null, 2);
