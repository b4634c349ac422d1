import { versionInForce } from "~/domain/pricing/versions";
import type { PriceRule, ServiceUnit } from "~/domain/pricing/rules";
import type { Database } from "../../../db/client.ts";
import { loadTariffServices } from "./tariffs.server";

/** A service with the published rule in force on a day: what lists and filters price with. */
export interface ServiceInForce {
  id: string;
  name: string;
  unit: ServiceUnit;
  perChild: boolean;
  rule: PriceRule;
}

/**
 * The commune's services that have a published version in force on `day` (YYYY-MM-DD), by name;
 * only those in `ids` when given. Scoped by the commune: another commune's id matches nothing.
 */
export async function loadServicesInForce(
  db: Database,
  collectivityId: string,
  day: string,
  ids?: readonly string[],
): Promise<ServiceInForce[]> {
  if (ids && ids.length === 0) return [];
  const services = await loadTariffServices(db, collectivityId);
  return services.flatMap((service) => {
    if (ids && !ids.includes(service.id)) return [];
    const version = versionInForce(service.versions, day);
    if (!version) return [];
    return [{ id: service.id, name: service.name, unit: service.unit, perChild: service.perChild, rule: version.rule }];
  });
}
