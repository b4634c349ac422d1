import { deliverDueShipments } from "../app/citizen/shipment-delivery.server.ts";
import { getServices } from "../app/services.server.ts";
import type { JobContext } from "./schedules.ts";

/** The outbox fallback: delivers every shipment whose next attempt is due. */
export async function deliverShipmentsJob({ db }: JobContext) {
  const { hubeeSender, encryptionKey } = getServices();
  return deliverDueShipments({ db, sender: hubeeSender, encryptionKey });
}
