import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, queryRows, type DatabaseHandle } from "../../db/client.ts";
import { rateLimitWindows } from "../../db/schema/index.ts";
import { checkSharedRateLimit, purgeIdleRateLimitWindows } from "../../app/http/shared-rate-limit.server.ts";
import { createScratchPostgresDatabase, createTestDatabase } from "../helpers/test-database.ts";

/**
 * The database-backed limiter behind an agent's QF lookups. On PostgreSQL, two handles with
 * their own connection pools stand for two web processes.
 */

let first: DatabaseHandle;
let second: DatabaseHandle;
let dropScratch: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const scratch = await createScratchPostgresDatabase();
  if (scratch) {
    dropScratch = scratch.drop;
    first = await openDatabase({ databaseUrl: scratch.url, maxConnections: 6 });
    second = await openDatabase({ databaseUrl: scratch.url, maxConnections: 6, migrate: false });
  } else {
    first = second = await createTestDatabase();
  }
});
beforeEach(async () => {
  await first.db.delete(rateLimitWindows);
});
afterAll(async () => {
  for (const handle of new Set([first, second])) await handle?.close();
  await dropScratch?.();
});

describe("shared rate limit", () => {
  it("counts across processes, refuses past the limit with the wait, and does not count refusals", async () => {
    const options = { limit: 3, windowMs: 60_000 };
    expect(await checkSharedRateLimit(first.db, "qf-lookup:a", options)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
    });
    expect((await checkSharedRateLimit(second.db, "qf-lookup:a", options)).allowed).toBe(true);
    expect((await checkSharedRateLimit(first.db, "qf-lookup:a", options)).allowed).toBe(true);
    const refused = await checkSharedRateLimit(second.db, "qf-lookup:a", options);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    await checkSharedRateLimit(first.db, "qf-lookup:a", options);
    const [row] = await first.db.select().from(rateLimitWindows);
    expect(row!.hits).toHaveLength(3);
    // Another key has its own window.
    expect((await checkSharedRateLimit(second.db, "qf-lookup:b", options)).allowed).toBe(true);
  });

  it("lets nobody take the same last slot twice when callers race", async () => {
    const options = { limit: 5, windowMs: 60_000 };
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        checkSharedRateLimit(i % 2 ? first.db : second.db, "qf-lookup:race", options),
      ),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("frees a slot once the oldest hit leaves the window, and keeps only the hits of the window", async () => {
    const options = { limit: 2, windowMs: 1_200 };
    await checkSharedRateLimit(first.db, "qf-lookup:slide", options);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await checkSharedRateLimit(first.db, "qf-lookup:slide", options);
    const refused = await checkSharedRateLimit(second.db, "qf-lookup:slide", options);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect((await checkSharedRateLimit(second.db, "qf-lookup:slide", options)).allowed).toBe(true);
    const [row] = await first.db.select().from(rateLimitWindows);
    expect(row!.hits).toHaveLength(2);
  });

  it("rejects nonsensical options instead of letting everything through", async () => {
    await expect(checkSharedRateLimit(first.db, "k", { limit: 0, windowMs: 1000 })).rejects.toThrow(RangeError);
    await expect(checkSharedRateLimit(first.db, "k", { limit: 2, windowMs: 0 })).rejects.toThrow(RangeError);
  });

  it("purges the keys nobody used for a day, and only those", async () => {
    await checkSharedRateLimit(first.db, "qf-lookup:idle", { limit: 3, windowMs: 60_000 });
    await checkSharedRateLimit(first.db, "qf-lookup:busy", { limit: 3, windowMs: 60_000 });
    await first.db.execute(
      sql`update ${rateLimitWindows} set updated_at = now() - interval '25 hours' where key = 'qf-lookup:idle'`,
    );
    expect(await purgeIdleRateLimitWindows(first.db)).toBe(1);
    const keys = await queryRows<{ key: string }>(first.db, sql`select key from ${rateLimitWindows}`);
    expect(keys.map((k) => k.key)).toEqual(["qf-lookup:busy"]);
  });
});
