import { sql } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";

/**
 * Takes the items of families about to be erased off the stored counts of their ended campaigns
 * (qf_campaigns.counts, written when a campaign is done), in the erasure's transaction: the items
 * go with the families (cascade), and the inbox notice reads its total from these counts, which
 * must stay those of the campaign's report (counted from the items). Run it before deleting the
 * families. Campaigns are locked in id order, so two erasures touching the same campaigns wait for
 * each other instead of deadlocking.
 */
export async function removeFromEndedCampaignCounts(
  tx: DbExecutor,
  collectivityId: string,
  familyIds: string[],
): Promise<void> {
  if (familyIds.length === 0) return;
  const ids = sql.join(
    familyIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  await tx.execute(sql`
    with gone as (
      select i.campaign_id, i.status, count(*)::int as n
      from qf_campaign_items i
      where i.family_id in (${ids})
      group by i.campaign_id, i.status
    ), ended as (
      select c.id from qf_campaigns c
      where c.id in (select campaign_id from gone) and c.collectivity_id = ${collectivityId}::uuid
        and c.counts is not null
      order by c.id
      for update
    )
    update qf_campaigns c
    set counts = c.counts || (
      select jsonb_object_agg(g.status, greatest(coalesce((c.counts ->> g.status)::int, 0) - g.n, 0))
      from gone g where g.campaign_id = c.id)
    from ended e
    where c.id = e.id`);
}
