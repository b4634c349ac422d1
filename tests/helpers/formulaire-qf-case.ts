import { duboisShipment } from "../fixtures/shipment-data.ts";
import { buildAttachments } from "../../app/formulaire-qf/index.ts";
import type { RunningSimulators } from "../../simulators/server.ts";

/**
 * Puts one FormulaireQF case in a commune's HubEE inbox, as the national form or our citizen
 * journey would have sent it: Angela Dubois' transmission under another birth name (so each test
 * finds its own file), with the three attachments our serializer builds.
 */
export async function injectFormulaireQfCase(
  simulators: RunningSimulators,
  options: { siret: string; reference: string; familyName?: string; applicantFirstName?: string },
) {
  const data = duboisShipment({ reference: options.reference });
  const familyName = options.familyName ?? data.pivotIdentity.familyName;
  data.pivotIdentity = { ...data.pivotIdentity, familyName };
  const files = await buildAttachments(data);
  const externalId = `Formulaire-QF-${options.reference}`;
  return simulators.modules.hubee.injectFolder({
    recipientSiret: options.siret,
    externalId,
    caseExternalId: externalId,
    applicant: { firstName: options.applicantFirstName ?? "Marie", lastName: familyName },
    attachments: files.map((f) => ({
      fileName: f.fileName,
      mimeType: f.mimeType,
      contentBase64: f.content.toString("base64"),
    })),
  });
}
