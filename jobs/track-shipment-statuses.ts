import { trackShipmentStatuses } from "../app/citizen/shipment-tracking.server.ts";
import { getServices } from "../app/services.server.ts";
import type { JobContext } from "./schedules.ts";

/** Follows the communes' statuses on delivered shipments (HubEE sender notifications). */
export async function trackShipmentStatusesJob({ db }: JobContext) {
  return trackShipmentStatuses(db, getServices().hubeeSender);
}
