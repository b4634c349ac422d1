import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.ts";
import { families } from "../../db/schema/index.ts";
import { createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { testSiret } from "../helpers/portal-fixtures.ts";
import { useConcurrentSessions, waitForLockWait } from "../helpers/concurrent-sessions.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** The tab counters kept by the families trigger (migration 0009) match a count of the files. */
describe("family status counters", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  const compare = async () => {
    const counted = await queryRows<{ k: string; n: number }>(
      handle.db,
      sql`select collectivity_id || ':' || status as k, count(*)::int as n from families group by 1 order by 1`,
    );
    const kept = await queryRows<{ k: string; n: number }>(
      handle.db,
      sql`select collectivity_id || ':' || status as k, count as n from family_status_counts where count <> 0 order by 1`,
    );
    expect(kept).toEqual(counted);
    return counted.length;
  };

  it("follow inserts, status changes and deletions in every commune", async () => {
    const a = await createCommuneWithToken(handle.db, {
      name: "A",
      siret: testSiret(901),
      codeCog: "49007",
      token: "t-a",
    });
    const b = await createCommuneWithToken(handle.db, {
      name: "B",
      siret: testSiret(902),
      codeCog: "49007",
      token: "t-b",
    });
    const inA = await insertSynthFamilies(handle.db, a.id, 12, 9001);
    await insertSynthFamilies(handle.db, b.id, 5, 9101);
    expect(await compare()).toBe(2);
    await handle.db.update(families).set({ status: "in_progress" }).where(eq(families.id, inA[0]!.id));
    await handle.db.update(families).set({ status: "refused" }).where(eq(families.id, inA[1]!.id));
    // An update that leaves the status alone changes nothing.
    await handle.db.update(families).set({ status: "done" }).where(eq(families.id, inA[2]!.id));
    await handle.db.delete(families).where(eq(families.id, inA[3]!.id));
    expect(await compare()).toBe(4);
    await handle.db
      .transaction(async (t) => {
        await t.update(families).set({ status: "received" }).where(eq(families.collectivityId, b.id));
        throw new Error("rolled back");
      })
      .catch(() => {});
    expect(await compare()).toBe(4);
  });
});

/**
 * Two files of a commune moved in opposite directions at once (an agent marks one treated while
 * another reopens one) must not deadlock on the counters: each move locks its two counter rows in
 * key order, so a move waiting for one of them holds neither. Seen from a third session: while a
 * move from « received » to « in_progress » waits for the « in_progress » row, the « received » row
 * is free. Locking the former row first (migration 0011) held it, and the opposite move deadlocked.
 * PostgreSQL only: PGlite is one session.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("family status counters under concurrent moves", () => {
  const sessions = useConcurrentSessions();

  it("a move waiting for one of its counter rows holds neither", async () => {
    const { handle, client } = sessions;
    const commune = await createCommuneWithToken(handle.db, {
      name: "C",
      siret: testSiret(903),
      codeCog: "49007",
      token: "t-c",
    });
    const [moving, other] = await insertSynthFamilies(handle.db, commune.id, 2, 9201);
    await handle.db.update(families).set({ status: "received" }).where(eq(families.id, moving!.id));
    await handle.db.update(families).set({ status: "in_progress" }).where(eq(families.id, other!.id));

    const holder = await client.reserve();
    const mover = await client.reserve();
    const observer = await client.reserve();
    try {
      // Another transaction holds the « in_progress » counter row.
      await holder`begin`;
      await holder`select count from family_status_counts
                   where collectivity_id = ${commune.id} and status = 'in_progress' for update`;
      const [{ pid }] = await mover<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await mover`begin`;
      const move = mover`update families set status = 'in_progress' where id = ${moving!.id}`.execute();
      // The move has reached the held row and waits for it.
      await waitForLockWait(observer, { pid }, "the move");
      const free = await observer`select count from family_status_counts
                                  where collectivity_id = ${commune.id} and status = 'received'
                                  for update nowait`
        .then(() => true)
        .catch((error: { code?: string }) => {
          if (error.code === "55P03") return false; // lock_not_available
          throw error;
        });
      expect(free).toBe(true);
      await holder`commit`;
      await move;
      await mover`commit`;
    } finally {
      for (const session of [holder, mover]) await session`rollback`.catch(() => {});
      holder.release();
      mover.release();
      observer.release();
    }
    const counts = await queryRows<{ status: string; count: number }>(
      handle.db,
      sql`select status, count from family_status_counts where collectivity_id = ${commune.id} and count <> 0 order by status`,
    );
    expect(counts).toEqual([{ status: "in_progress", count: 2 }]);
  });
});
