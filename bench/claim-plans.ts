/**
 * The campaign claim at national scale (issue 20, ADR 028), on PostgreSQL:
 *
 *   npx tsx bench/claim-plans.ts                 # 36,000 communes, 3.05 million items
 *   BENCH_SCALE=0.1 npx tsx bench/claim-plans.ts
 *   BENCH_KEEP=1 …                               # keeps the database bench_claim
 *
 * Builds the dataset with generate_series (one running campaign per commune, one commune of
 * 50,000 families, a third of the items already finished), then times the claim and the idle
 * worker's "next due" query, and prints their EXPLAIN (ANALYZE, BUFFERS) plans next to the former
 * claim's, for bench/NOTES.md. The claims are committed (as a worker would), so each one meets
 * the rotation where the previous one left it.
 */
import { sql } from "drizzle-orm";
import { openDatabase, queryRows } from "../db/client.ts";
import { claimItems, msUntilNextDueItem } from "../app/portal/campaigns/campaign-items.server.ts";
import { benchScale, createBenchDatabase, fmt, scaled, summarize, timed } from "./lib.ts";
import { insertCommunes, insertFamilies, withBulkSession } from "./national-dataset.ts";

class RolledBack extends Error {}

const scale = benchScale();
const communes = scaled(36_000, scale, 10);
const familiesTotal = scaled(3_050_000, scale, 1_000);
const largest = Math.min(scaled(50_000, scale, 100), Math.floor(familiesTotal / 2));

const scratch = await createBenchDatabase("claim");
const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 2 });
const { db } = handle;
const log = (line: string) => console.info(line);

try {
  const built = await timed(async () => {
    // Communes and families as in the national dataset (bench/national-dataset.ts).
    await withBulkSession(scratch.url, async (bulk) => {
      await insertCommunes(bulk, communes);
      await insertFamilies(bulk, { total: familiesTotal, largest, communes, at: new Date() });
    });
    await db.execute(sql`
      insert into qf_campaigns (collectivity_id, annee, mois, scope, status, trigger, total_count, due_at)
      select id, 2026, 12, 'all', 'running', 'cron', 0, now() - interval '1 hour' from collectivities`);
    // Every family has an item; a third are finished, the rest due at spread times in the last hour.
    await db.execute(sql`
      insert into qf_campaign_items (campaign_id, family_id, status, next_attempt_at, finished_at)
      select c.id, f.id, case when random() < 0.33 then 'updated' else 'pending' end,
             now() - random() * interval '1 hour', null
      from families f join qf_campaigns c on c.collectivity_id = f.collectivity_id`);
    await db.execute(sql`analyze`);
  });
  const [counts] = await queryRows<{ items: number; open: number }>(
    db,
    sql`select count(*)::int as items, count(*) filter (where status = 'pending')::int as open from qf_campaign_items`,
  );
  log(
    `Jeu de données : ${communes} communes, ${counts!.items} éléments dont ${counts!.open} ouverts, ` +
      `plus grande commune ${largest} familles ; construit en ${fmt(built.ms / 1000)} s`,
  );

  const explain = async (title: string, query: ReturnType<typeof sql>) => {
    const rows = await queryRows<{ "QUERY PLAN": string }>(db, sql`explain (analyze, buffers, costs off) ${query}`);
    log(`\n### ${title}\n\n\`\`\`\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}\n\`\`\``);
  };

  // The former claim, read-only (no lease taken): what every claim cost before ADR 028.
  await explain(
    "Ancienne réservation (avant ADR 028), sans la mise à jour",
    sql`select i.id from qf_campaign_items i
        join qf_campaigns c on c.id = i.campaign_id
        where c.status = 'running'
          and ((i.status = 'pending' and i.next_attempt_at <= clock_timestamp()
                and (i.lease_until is null or i.lease_until < clock_timestamp()))
               or (i.status = 'in_progress' and i.lease_until < clock_timestamp()))
        order by i.next_attempt_at
        limit 20
        for update of i skip locked`,
  );

  const claims: number[] = [];
  const campaignsServed = new Set<string>();
  for (let n = 0; n < 200; n++) {
    const run = await timed(() =>
      claimItems(db, `bench-${n % 4}`, { limit: 40, leaseMs: 60_000, perCampaign: 4, skipCollectivityIds: [] }),
    );
    claims.push(run.ms);
    for (const item of run.value) campaignsServed.add(item.campaign_id);
  }
  const claim = summarize(claims);
  log(
    `\nRéservation (40 éléments, 4 par campagne) × ${claim.n} : médiane ${fmt(claim.median)} ms, ` +
      `p95 ${fmt(claim.p95)} ms, max ${fmt(claim.max)} ms ; ${campaignsServed.size} campagnes servies`,
  );

  const nextDue: number[] = [];
  for (let n = 0; n < 200; n++) nextDue.push((await timed(() => msUntilNextDueItem(db))).ms);
  const due = summarize(nextDue);
  log(`« Prochain élément dû » × ${due.n} : médiane ${fmt(due.median, 2)} ms, p95 ${fmt(due.p95, 2)} ms`);

  // The plan of one claim, inside a transaction rolled back (the dataset stays as it is).
  await db
    .transaction(async (t) => {
      const rows = await queryRows<{ "QUERY PLAN": string }>(
        t,
        sql`explain (analyze, buffers, costs off)
            with camps as (
              select c.id from qf_campaigns c
              where c.status = 'running' and c.due_at <= clock_timestamp()
                and not (c.collectivity_id = any('{}'::uuid[]))
              order by c.last_served_at asc nulls first
              limit 10
              for update of c skip locked),
            picked as (
              select p.id from camps cross join lateral (
                select i.id from qf_campaign_items i
                where i.campaign_id = camps.id and i.status in ('pending', 'in_progress')
                  and i.next_attempt_at <= now()
                  and (i.lease_until is null or i.lease_until < clock_timestamp())
                order by i.next_attempt_at
                limit 4
                for update of i skip locked) p
              limit 40)
            select * from picked`,
      );
      log(
        `\n### Réservation (ADR 028), sa partie lecture\n\n\`\`\`\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}\n\`\`\``,
      );
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  await explain("« Prochain élément dû »", sql`select min(c.due_at) from qf_campaigns c where c.status = 'running'`);
} finally {
  await handle.close();
  if (process.env.BENCH_KEEP !== "1") await scratch.drop();
}
