import { eq, sql } from "drizzle-orm";
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.ts";
import { families } from "../../db/schema/index.ts";
import { deleteFamilyFiles } from "../../app/portal/family-files/family-erasure.server.ts";
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

  /** Whether no other transaction holds the commune's counter row of `status` (taken and let go at once). */
  const counterRowFree = (observer: postgres.Sql, collectivityId: string, status: string) =>
    observer`select count from family_status_counts
             where collectivity_id = ${collectivityId} and status = ${status} for update nowait`
      .then(() => true)
      .catch((error: { code?: string }) => {
        if (error.code === "55P03") return false; // lock_not_available
        throw error;
      });

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
      expect(await counterRowFree(observer, commune.id, "received")).toBe(true);
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

  it("an erasure of files of several statuses, waiting for one counter row, holds none above it", async () => {
    // The families' deletion updates the counters row by row in the order it meets the files; here
    // the « received » file comes first whatever the plan (lowest id, first in the table), so a
    // deletion that took its counter rows as it went would hold « received » while it waits for
    // « in_progress »: the reverse of a move's key order (the test above), hence a deadlock.
    const { handle, client } = sessions;
    const commune = await createCommuneWithToken(handle.db, {
      name: "E",
      siret: testSiret(905),
      codeCog: "49009",
      token: "t-e",
    });
    const [first, second] = await insertSynthFamilies(handle.db, commune.id, 2, 9401);
    const receivedId = "00000000-0000-4000-8000-000000000001";
    const inProgressId = "ffffffff-ffff-4fff-bfff-fffffffffff1";
    await handle.db.update(families).set({ id: receivedId, status: "received" }).where(eq(families.id, first!.id));
    await handle.db
      .update(families)
      .set({ id: inProgressId, status: "in_progress" })
      .where(eq(families.id, second!.id));

    // With the table's real size known, the deletion reads it in table order (a sequential scan)
    // rather than through the inbox index, which would give the files in key order by chance.
    await handle.db.execute(sql`analyze families`);

    const holder = await client.reserve();
    const observer = await client.reserve();
    try {
      await holder`begin`;
      const [{ pid: holderPid }] = await holder<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await holder`select count from family_status_counts
                   where collectivity_id = ${commune.id} and status = 'in_progress' for update`;
      const erasure = handle.db
        .transaction((tx) => deleteFamilyFiles(tx, commune.id, [receivedId, inProgressId]))
        .then(
          (counts) => counts.families,
          (error: unknown) => error,
        );
      await waitForLockWait(observer, { exceptPid: holderPid }, "the erasure");
      expect(await counterRowFree(observer, commune.id, "received")).toBe(true);
      await holder`commit`;
      expect(await erasure).toBe(2);
    } finally {
      await holder`rollback`.catch(() => {});
      holder.release();
      observer.release();
    }
    const counts = await queryRows<{ status: string; count: number }>(
      handle.db,
      sql`select status, count from family_status_counts where collectivity_id = ${commune.id} and count <> 0`,
    );
    expect(counts).toEqual([]);
  });
});
