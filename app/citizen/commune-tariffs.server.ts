import { and, asc, eq } from "drizzle-orm";
import { familyPrices, type FamilyPrice, type PricedService } from "~/domain/pricing/family-prices";
import { parsePriceRule } from "~/domain/pricing/rule-schema";
import type { ServiceUnit } from "~/domain/pricing/rules";
import type { Database } from "../../db/client.ts";
import { tariffServices, tariffVersions } from "../../db/schema/index.ts";

/**
 * The commune's published tariffs, for its public page and the citizen's pages. Its own query,
 * restricted to published versions: a draft the council has not voted never reaches a family.
 */
export async function loadPublishedTariffs(db: Database, collectivityId: string): Promise<PricedService[]> {
  const rows = await db
    .select({
      serviceId: tariffServices.id,
      name: tariffServices.name,
      unit: tariffServices.unit,
      perChild: tariffServices.perChild,
      validFrom: tariffVersions.validFrom,
      rule: tariffVersions.rule,
    })
    .from(tariffVersions)
    .innerJoin(tariffServices, eq(tariffServices.id, tariffVersions.serviceId))
    .where(and(eq(tariffVersions.collectivityId, collectivityId), eq(tariffVersions.status, "published")))
    .orderBy(asc(tariffServices.name), asc(tariffVersions.validFrom));
  const services = new Map<string, PricedService & { versions: PricedService["versions"][number][] }>();
  for (const row of rows) {
    const rule = parsePriceRule(row.rule);
    if (!rule) continue;
    const service = services.get(row.serviceId) ?? {
      name: row.name,
      unit: row.unit as ServiceUnit,
      perChild: row.perChild,
      versions: [],
    };
    service.versions.push({ status: "published", validFrom: row.validFrom, rule });
    services.set(row.serviceId, service);
  }
  return [...services.values()];
}

/** What the citizen is shown: the price per service, without the QF (it is on the page already). */
export type CitizenTariff = Pick<FamilyPrice, "service" | "per" | "price" | "explanation">;

export async function citizenTariffs(
  db: Database,
  collectivityId: string,
  input: { qf: number | null; day: string },
): Promise<CitizenTariff[]> {
  const services = await loadPublishedTariffs(db, collectivityId);
  return familyPrices(services, { qf: input.qf, children: 1, day: input.day }).map((p) => ({
    service: p.service,
    per: p.per,
    price: p.price,
    explanation: p.explanation,
  }));
}
