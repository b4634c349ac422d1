import type { Database } from "../../db/client.ts";
import { tariffServices, tariffVersions } from "../../db/schema/index.ts";
import type { PriceRule, ServiceUnit } from "../../app/domain/pricing/rules.ts";

export interface VersionFixture {
  validFrom: string;
  /** A valid PriceRule, or a deliberately odd one (tests of what reads stored rules). */
  rule: PriceRule | Record<string, unknown>;
  status?: "published" | "draft";
}

/**
 * A tariff service with its versions, written directly (the pages' validation and journal are
 * tested elsewhere): tests and benchmarks that need prices start from here.
 */
export async function insertTariffService(
  db: Database,
  service: {
    collectivityId: string;
    name: string;
    unit?: ServiceUnit;
    perChild?: boolean;
    versions: VersionFixture[];
  },
): Promise<{ serviceId: string; versionIds: string[] }> {
  const { collectivityId } = service;
  const [row] = await db
    .insert(tariffServices)
    .values({ collectivityId, name: service.name, unit: service.unit ?? "repas", perChild: service.perChild ?? false })
    .returning({ id: tariffServices.id });
  const serviceId = row!.id;
  const versions = service.versions.length
    ? await db
        .insert(tariffVersions)
        .values(
          service.versions.map((version) => {
            const status = version.status ?? "published";
            return {
              serviceId,
              collectivityId,
              status,
              validFrom: version.validFrom,
              rule: { ...version.rule },
              publishedAt: status === "published" ? new Date() : null,
            };
          }),
        )
        .returning({ id: tariffVersions.id })
    : [];
  return { serviceId, versionIds: versions.map((v) => v.id) };
}
