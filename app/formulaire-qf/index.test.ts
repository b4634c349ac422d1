import { describe, expect, it } from "vitest";
import { duboisShipment } from "../../tests/fixtures/shipment-data";
import { buildAttachments } from "./index";
import { buildFormulaireQfJson } from "./json";
import { buildFormulaireQfXml } from "./xml";

describe("buildAttachments", () => {
  it("returns the JSON, the XML and the PDF, in the reference's order", async () => {
    const data = duboisShipment();
    const attachments = await buildAttachments(data);
    expect(attachments.map(({ fileName, mimeType }) => ({ fileName, mimeType }))).toEqual([
      { fileName: "FormulaireQF.json", mimeType: "application/json" },
      { fileName: "FormulaireQF.xml", mimeType: "application/xml" },
      { fileName: "quotient_familial_DUBOIS_Angela_Claire_Louise.pdf", mimeType: "application/pdf" },
    ]);
    expect(attachments[0]!.content.equals(buildFormulaireQfJson(data))).toBe(true);
    expect(attachments[1]!.content.equals(buildFormulaireQfXml(data))).toBe(true);
    expect(attachments[2]!.content.subarray(0, 8).toString("latin1")).toBe("%PDF-1.7");
    for (const attachment of attachments) expect(Buffer.isBuffer(attachment.content)).toBe(true);
  });

  it("builds from data that went through JSON, as the encrypted outbox stores it", async () => {
    const data = duboisShipment();
    const stored = JSON.parse(JSON.stringify(data)) as typeof data;
    const [json, xml] = await buildAttachments(stored);
    expect(json!.content.equals(buildFormulaireQfJson(data))).toBe(true);
    expect(xml!.content.equals(buildFormulaireQfXml(data))).toBe(true);
  });
});
