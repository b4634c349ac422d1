import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../../db/client.ts";
import { claimItems } from "../../app/portal/campaigns/campaign-items.server.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { testSiret } from "../helpers/portal-fixtures.ts";
import { useConcurrentSessions, waitForLockWait } from "../helpers/concurrent-sessions.ts";

/**
 * A claim that takes back an item whose worker died moves it from the « in_progress » call
 * counter to the « pending » one (platform_daily_campaign_calls, ADR 035), locking both rows.
 * Another transaction holding the « pending » row and then asking for the « in_progress » one
 * makes a deadlock, and PostgreSQL ends the claim (it waited first, so it checks first). The
 * claim is one statement: it must run again rather than fail the worker's loop.
 * PostgreSQL only: PGlite is one session.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("campaign claim ended as a deadlock's victim", () => {
  const sessions = useConcurrentSessions();

  it("runs again and leases the item", { timeout: 20_000 }, async () => {
    const { handle, client } = sessions;
    const commune = await createCommuneWithToken(handle.db, {
      name: "D",
      siret: testSiret(904),
      codeCog: "49008",
      token: "t-d",
    });
    await insertSynthFamilies(handle.db, commune.id, 2, 9301);
    const campaign = (await createCampaign(handle.db, {
      collectivityId: commune.id,
      familyIds: "all",
      trigger: "agent",
      agentId: null,
    }))!;
    const [abandoned, waiting] = await queryRows<{ id: string }>(
      handle.db,
      sql`select id from qf_campaign_items where campaign_id = ${campaign.id}::uuid order by id`,
    );
    // One item called by a worker that died (its lease is over), one called and released for
    // later: both counted, so the two counter rows exist.
    await handle.db.execute(sql`update qf_campaign_items
      set status = 'in_progress', attempts = 1, last_call_at = clock_timestamp(), leased_by = 'dead-worker',
          lease_until = clock_timestamp() - interval '1 second', next_attempt_at = clock_timestamp() - interval '1 second'
      where id = ${abandoned!.id}::uuid`);
    await handle.db.execute(sql`update qf_campaign_items
      set attempts = 1, last_call_at = clock_timestamp(), next_attempt_at = clock_timestamp() + interval '1 hour'
      where id = ${waiting!.id}::uuid`);
    await handle.db.execute(sql`update qf_campaigns set due_at = clock_timestamp() where id = ${campaign.id}::uuid`);

    const holder = await client.reserve();
    const observer = await client.reserve();
    try {
      await holder`begin`;
      // The holder never checks for the deadlock before the claim does: the claim is the victim.
      await holder`set local deadlock_timeout = '30s'`;
      const [{ pid: holderPid }] = await holder<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await holder`select items from platform_daily_campaign_calls where status = 'pending' for update`;

      // Settled at once (an error is a value here), so a failing claim is this test's failure.
      const claim = claimItems(handle.db, "worker-a", { limit: 10, leaseMs: 30_000, perCampaign: 10 }).then(
        (items) => items.map((item) => item.id),
        (error: unknown) => error,
      );
      await waitForLockWait(observer, { exceptPid: holderPid }, "the claim");
      // The claim holds the « in_progress » row and waits for the « pending » one: asking for the
      // former closes the cycle. Once the claim is ended, the holder gets it.
      await holder`select items from platform_daily_campaign_calls where status = 'in_progress' for update`;
      const [{ deadlocks }] = await observer<{ deadlocks: number }[]>`
        select deadlocks::int from pg_stat_database where datname = current_database()`;
      await holder`commit`;

      expect(await claim).toEqual([abandoned!.id]);
      // The deadlock did happen (the test would prove nothing otherwise).
      expect(deadlocks).toBeGreaterThanOrEqual(1);
    } finally {
      await holder`rollback`.catch(() => {});
      holder.release();
      observer.release();
    }
    const counters = await queryRows<{ status: string; items: number }>(
      handle.db,
      sql`select status, items::int from platform_daily_campaign_calls where items <> 0 order by status`,
    );
    expect(counters).toEqual([{ status: "pending", items: 2 }]);
  });
});
