import type { Database } from "../../../db/client.ts";
import { recordAudit } from "~/audit/audit.server";
import type { PivotIdentity } from "~/domain/pivot-identity";
import { getServices, type Services } from "~/services.server";
import { lookupAuditOutcome, lookUpQuotientFamilial, type LookupOutcome } from "./lookup.server";

export interface CommuneLookup {
  collectivity: { id: string; siret: string };
  agentId: string;
  requestId: string | null;
  identity: PivotIdentity;
  usageName: string | null;
  /** How the birthplace is sent, for the audit trail. */
  birthplaceOption: "commune_code" | "former_commune" | "abroad";
}

/**
 * An agent's QF lookup for their commune, as the page runs it: through the process's API
 * Particulier client and the token pacer the campaigns share (so both stay under the token's
 * limit), then written to the commune's journal.
 */
export async function lookupForCommune(
  db: Database,
  lookup: CommuneLookup,
  services: Pick<Services, "apiParticulier" | "apiParticulierPacer" | "encryptionKey"> = getServices(),
): Promise<LookupOutcome> {
  const outcome = await lookUpQuotientFamilial(
    db,
    { client: services.apiParticulier, pacer: services.apiParticulierPacer(db), encryptionKey: services.encryptionKey },
    {
      collectivity: lookup.collectivity,
      agentId: lookup.agentId,
      identity: lookup.identity,
      usageName: lookup.usageName,
    },
  );
  // The trail says a lookup happened and how it ended, never whom it was about.
  await recordAudit(db, {
    actor: lookup.agentId,
    collectivityId: lookup.collectivity.id,
    action: "qf_lookup.performed",
    targetType: "collectivity",
    targetId: lookup.collectivity.id,
    requestId: lookup.requestId,
    details: { ...lookupAuditOutcome(outcome), birthplace: lookup.birthplaceOption },
  });
  return outcome;
}
