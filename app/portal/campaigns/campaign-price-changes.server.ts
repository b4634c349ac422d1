import { sql } from "drizzle-orm";
import { parisToday } from "~/domain/paris-time";
import { createPriceChangeTally, type PriceChangeSummary } from "~/domain/pricing/price-changes";
import { UNIT_LABELS } from "~/domain/pricing/rules";
import { queryRows, type Database } from "../../../db/client.ts";
import { priceSql } from "../tariffs/price-sql.server";
import { loadServicesInForce } from "../tariffs/services-in-force.server";

/**
 * « Familles dont le tarif change »: per published service, the families of a campaign whose
 * price under the rule in force moves between their QF before and after the campaign. One query
 * prices every updated item before and after with priceSql (two CASEs per service) and returns
 * only the items whose price changed for some service; the tally (app/domain/pricing) keeps the
 * counts, totals and largest changes. No query per family.
 */

export interface ChangedPriceFamily {
  familyId: string;
  familyName: string | null;
  givenNames: string | null;
}

export interface ServicePriceChanges {
  serviceId: string;
  name: string;
  /** "par repas" */
  per: string;
  /** The price of the first child (sibling reductions apply the same way before and after). */
  summary: PriceChangeSummary<ChangedPriceFamily>;
}

/**
 * The price changes of a campaign, scoped to the commune (another commune's campaign gives
 * nothing). `day` picks the rules: the day the campaign finished, or today while it runs.
 */
export async function campaignPriceChanges(
  db: Database,
  input: { campaignId: string; collectivityId: string; finishedAt: Date | null; limit: number },
): Promise<ServicePriceChanges[]> {
  const day = parisToday(input.finishedAt ?? new Date());
  const services = await loadServicesInForce(db, input.collectivityId, day);
  if (services.length === 0) return [];
  const before = services.map((service) => priceSql(service.rule, sql`i.old_value`));
  const after = services.map((service) => priceSql(service.rule, sql`i.new_value`));
  const rows = await queryRows<Record<string, string | number | null>>(
    db,
    sql`select i.family_id, f.family_name, f.given_names,
        ${sql.join(
          services.map((_, k) => sql`${before[k]!} as ${sql.raw(`b${k}`)}, ${after[k]!} as ${sql.raw(`a${k}`)}`),
          sql`, `,
        )}
      from qf_campaign_items i
      join qf_campaigns c on c.id = i.campaign_id and c.collectivity_id = ${input.collectivityId}::uuid
      join families f on f.id = i.family_id
      where i.campaign_id = ${input.campaignId}::uuid and i.status = 'updated'
        and i.old_value is distinct from i.new_value
        and (${sql.join(
          services.map((_, k) => sql`${before[k]!} <> ${after[k]!}`),
          sql` or `,
        )})
      order by f.family_name nulls last, f.given_names nulls last, i.family_id`,
  );
  const tallies = services.map(() => createPriceChangeTally<ChangedPriceFamily>(input.limit));
  for (const row of rows) {
    const family = {
      familyId: String(row.family_id),
      familyName: row.family_name === null ? null : String(row.family_name),
      givenNames: row.given_names === null ? null : String(row.given_names),
    };
    services.forEach((_, k) => {
      const b = Number(row[`b${k}`]);
      const a = Number(row[`a${k}`]);
      if (a !== b) tallies[k]!.add(family, b, a);
    });
  }
  return services.map((service, k) => ({
    serviceId: service.id,
    name: service.name,
    per: UNIT_LABELS[service.unit].per,
    summary: tallies[k]!.summary(),
  }));
}
