import { parisToday } from "~/domain/paris-time";
import { summariseService } from "~/portal/tariffs/tariff-summaries";
import { loadTariffServices } from "~/portal/tariffs/tariffs.server";
import type { Database } from "../../../db/client.ts";

/** The commune's services as the list shows them, read at today's date in Paris. */
export async function loadTariffsList(db: Database, collectivityId: string, now = new Date()) {
  const today = parisToday(now);
  return (await loadTariffServices(db, collectivityId)).map((service) => summariseService(service, today));
}
