import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { queryRows } from "../../db/client.ts";
import { families } from "../../db/schema/index.ts";
import { createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { testSiret } from "../helpers/portal-fixtures.ts";
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
