import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "../../db/client.ts";
import { collectivities, shipments, type ShipmentStatus } from "../../db/schema/index.ts";
import { isShipmentReference } from "./shipment-reference";

/**
 * Where a transmission stands, from its reference and its commune only: what the national form's
 * /collectivites/<SIRET>/confirmation/<REF> links (in e-mails, bookmarks) still lead to once the
 * citizen's session is gone. It says nothing about the family: the status and the commune's name.
 */
export async function findTransmissionStatus(
  db: DbExecutor,
  siret: string,
  reference: string,
): Promise<{ collectivityName: string; status: ShipmentStatus } | null> {
  const normalized = reference.toUpperCase();
  if (!/^[0-9]{14}$/.test(siret) || !isShipmentReference(normalized)) return null;
  const [row] = await db
    .select({ collectivityName: collectivities.name, status: shipments.status })
    .from(shipments)
    .innerJoin(collectivities, eq(collectivities.id, shipments.collectivityId))
    .where(and(eq(shipments.reference, normalized), eq(collectivities.siret, siret)));
  return row ?? null;
}
