import { buildFormulaireQfJson, FORMULAIRE_QF_JSON_FILE_NAME } from "./json";
import { buildFormulaireQfPdf, pdfFileName } from "./pdf";
import type { ShipmentAttachment, ShipmentData } from "./types";
import { buildFormulaireQfXml, FORMULAIRE_QF_XML_FILE_NAME } from "./xml";

export type { ShipmentAttachment, ShipmentData } from "./types";

/** The three files of a HubEE folder, in the reference's order: JSON, XML, then the readable PDF. */
export async function buildAttachments(data: ShipmentData): Promise<ShipmentAttachment[]> {
  return [
    { fileName: FORMULAIRE_QF_JSON_FILE_NAME, mimeType: "application/json", content: buildFormulaireQfJson(data) },
    { fileName: FORMULAIRE_QF_XML_FILE_NAME, mimeType: "application/xml", content: buildFormulaireQfXml(data) },
    {
      fileName: pdfFileName(data.pivotIdentity),
      mimeType: "application/pdf",
      content: await buildFormulaireQfPdf(data),
    },
  ];
}
