import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.ts";
import { families, qfCampaignItems, qfCampaigns, receivedCases, shipments } from "../../db/schema/index.ts";
import { recordAudit } from "../../app/audit/audit.server.ts";
import { loadPlatformStatistics } from "../../app/portal/dashboards/platform-statistics.server.ts";
import { createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The platform dashboard's daily counters (ADR 035) follow every write to the rows they count:
 * after inserts, status changes, rows moving to another day and deletions, each counter table
 * equals the same aggregate computed from the rows themselves (what migration 0014 backfills).
 */

const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

/** Each counter table next to the aggregate of the rows, zero counters left out. */
async function compare(counters: string, recomputed: string) {
  const read = async (query: string) =>
    (await queryRows<Record<string, unknown>>(handle.db, sql.raw(query))).map((row) => JSON.stringify(row)).sort();
  expect(await read(counters)).toEqual(await read(recomputed));
}

async function expectCountersMatchRows() {
  await compare(
    `select day::text, shard, status, shipments, attempts::int from platform_daily_shipments where shipments <> 0`,
    `select platform_day(created_at)::text as day, platform_shard(collectivity_id) as shard, status,
            count(*)::int as shipments, sum(attempts)::int as attempts from shipments group by 1, 2, 3`,
  );
  await compare(
    `select collectivity_id, last_created_at from platform_commune_last_shipments`,
    `select collectivity_id, max(created_at) as last_created_at from shipments group by 1`,
  );
  await compare(
    `select day::text, shard, hubee_status, cases from platform_daily_received_cases where cases <> 0`,
    `select platform_day(received_at)::text as day, platform_shard(collectivity_id) as shard, hubee_status,
            count(*)::int as cases from received_cases group by 1, 2, 3`,
  );
  await compare(
    `select day::text, shard, status, error_code, items, called_items, attempts::int, rate_limited::int,
            transient_failures::int from platform_daily_campaign_calls where items <> 0`,
    `select platform_day(last_call_at)::text as day, platform_shard(campaign_id) as shard, status,
            coalesce(error_code, '') as error_code, count(*)::int as items,
            (count(*) filter (where attempts > 0))::int as called_items, sum(attempts)::int as attempts,
            sum(rate_limited_count)::int as rate_limited, sum(transient_failures)::int as transient_failures
     from qf_campaign_items where last_call_at is not null group by 1, 2, 3, 4`,
  );
  await compare(
    `select day::text, shard, outcome, called, lookups from platform_daily_lookups where lookups <> 0`,
    `select platform_day(occurred_at)::text as day, platform_shard(collectivity_id) as shard,
            coalesce(details->>'outcome', '') as outcome, platform_lookup_called(details) as called,
            count(*)::int as lookups
     from audit_events where action = 'qf_lookup.performed' group by 1, 2, 3, 4`,
  );
}

describe("platform dashboard daily counters", () => {
  it("follow inserts, status changes, moves to another day and deletions", async () => {
    const { db } = handle;
    const communeA = await createCommune(db, "Compteurs-A", 701);
    const communeB = await createCommune(db, "Compteurs-B", 702);

    // Shipments: created, delivered, retried then given up, one moved back in time, one deleted.
    const [s1, s2, s3, s4] = await db
      .insert(shipments)
      .values(
        [communeA.id, communeA.id, communeB.id, communeB.id].map((collectivityId, n) => ({
          reference: `C0FFEE000000${n}`,
          idempotencyKey: `counters-${n}`,
          collectivityId,
          createdAt: ago(n),
        })),
      )
      .returning();
    await db.execute(sql`update shipments set status = 'delivered', attempts = 1 where id = ${s1!.id}::uuid`);
    await db.execute(
      sql`update shipments set attempts = 3, last_error = 'HubEE injoignable' where id = ${s2!.id}::uuid`,
    );
    await db.execute(sql`update shipments set status = 'failed', attempts = 5 where id = ${s2!.id}::uuid`);
    await db.execute(
      sql`update shipments set created_at = ${ago(45).toISOString()}::timestamptz where id = ${s3!.id}::uuid`,
    );
    await db.execute(sql`delete from shipments where id = ${s4!.id}::uuid`);

    // Families with their received cases: one not integrated, one moving to IN_PROGRESS, one erased.
    const fams = await db
      .insert(families)
      .values(
        [0, 1, 2].map((n) => ({
          collectivityId: n === 2 ? communeB.id : communeA.id,
          identityKey: `counters-${n}`.padEnd(64, "0"),
          familyName: "COMPTEUR",
        })),
      )
      .returning();
    const cases = await db
      .insert(receivedCases)
      .values(
        fams.map((family, n) => ({
          collectivityId: family.collectivityId,
          familyId: family.id,
          hubeeCaseId: `counters-case-${n}`,
          hubeeExternalId: `Formulaire-QF-${n}`,
          hubeeStatus: n === 0 ? "SI_INTG_ERROR" : "SI_RECEIVED",
          receivedAt: ago(n * 3),
        })),
      )
      .returning();
    await db.execute(sql`update received_cases set hubee_status = 'IN_PROGRESS' where id = ${cases[1]!.id}::uuid`);
    await db.execute(sql`delete from received_cases where id = ${cases[2]!.id}::uuid`);

    // Campaign items: never called, called then finished, called again another day, given up,
    // back to pending after a 429; then a whole campaign deleted (its items cascade).
    const [campaignA, campaignB] = await db
      .insert(qfCampaigns)
      .values([
        { collectivityId: communeA.id, annee: 2026, mois: 11, scope: "all", trigger: "agent" },
        { collectivityId: communeB.id, annee: 2026, mois: 11, scope: "all", trigger: "agent" },
      ])
      .returning();
    const items = await db
      .insert(qfCampaignItems)
      .values([
        { campaignId: campaignA!.id, familyId: fams[0]!.id },
        { campaignId: campaignA!.id, familyId: fams[1]!.id, attempts: 1, lastCallAt: ago(10), status: "in_progress" },
        { campaignId: campaignB!.id, familyId: fams[2]!.id, attempts: 1, lastCallAt: ago(2), status: "unchanged" },
      ])
      .returning();
    const [never, called, other] = items;
    await db.execute(
      sql`update qf_campaign_items set status = 'failed', error_code = '503', transient_failures = 3
          where id = ${called!.id}::uuid`,
    );
    await db.execute(
      sql`update qf_campaign_items set status = 'in_progress', attempts = attempts + 1, last_call_at = now()
          where id = ${called!.id}::uuid`,
    );
    await db.execute(
      sql`update qf_campaign_items set status = 'pending', rate_limited_count = 1, error_code = '429'
          where id = ${called!.id}::uuid`,
    );
    await db.execute(
      sql`update qf_campaign_items set status = 'in_progress', attempts = 1, last_call_at = now()
          where id = ${never!.id}::uuid`,
    );
    await db.execute(
      sql`update qf_campaign_items set status = 'not_found', error_code = '404' where id = ${never!.id}::uuid`,
    );
    // A lease taken and given back changes no counter (the trigger is not even fired).
    await db.execute(
      sql`update qf_campaign_items set lease_until = now(), leased_by = 'w' where id = ${other!.id}::uuid`,
    );
    await expectCountersMatchRows();
    await db.execute(sql`delete from qf_campaigns where id = ${campaignB!.id}::uuid`);

    // Manual lookups through the journal, one back-dated, one written before "called" existed.
    for (const details of [
      { outcome: "ok", called: true },
      { outcome: "token_rate_limited", called: false },
      { outcome: "not_found" },
    ])
      await recordAudit(db, {
        actor: null,
        collectivityId: communeA.id,
        action: "qf_lookup.performed",
        targetType: "collectivity",
        targetId: communeA.id,
        details,
      });
    const old = await recordAudit(db, {
      actor: null,
      collectivityId: communeB.id,
      action: "qf_lookup.performed",
      targetType: "collectivity",
      targetId: communeB.id,
      details: { outcome: "unauthorized", called: true },
    });
    await db.execute(
      sql`update audit_events set occurred_at = ${ago(40).toISOString()}::timestamptz where id = ${old.id}`,
    );

    await expectCountersMatchRows();

    // What the dashboard reads from them.
    const stats = await loadPlatformStatistics(db, now);
    expect(stats.communes.transmittingRecently).toBe(1);
    expect(stats.hubee.sending).toEqual({ shipments: 2, attempts: 6, failedAttempts: 5, failedShipments: 1 });
    expect([stats.hubee.receivedCases, stats.hubee.integrationErrors]).toEqual([2, 1]);
    expect(stats.apiParticulier).toMatchObject({
      calls: 3,
      rateLimited: 1,
      transientFailures: 3,
      finishedItems: 1,
      failedItems: 0,
      byErrorCode: [
        { code: "404", items: 1 },
        { code: "429", items: 1 },
      ],
    });
    expect(stats.apiParticulier.bySource[1]).toMatchObject({ source: "lookups", calls: 2, notFound: 1 });
  });
});
