import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, queryRows, type DatabaseHandle } from "../../db/client.ts";
import { rateLimitWindows } from "../../db/schema/index.ts";
import { checkSharedRateLimit, purgeIdleRateLimitWindows } from "../../app/http/shared-rate-limit.server.ts";
import type { RateLimitResult } from "../../app/http/rate-limit.server.ts";
import { ROOT } from "../helpers/app-process.ts";
import { createScratchPostgresDatabase, createTestDatabase } from "../helpers/test-database.ts";

/**
 * The database-backed limiter behind an agent's QF lookups. What it is for, several web
 * processes counting in the same window, is tested with real child processes, so only on
 * PostgreSQL: PGlite lives inside one process and cannot be shared with another.
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const run = promisify(execFile);

let handle: DatabaseHandle;
let databaseUrl: string | undefined;
let dropScratch: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const scratch = await createScratchPostgresDatabase();
  if (scratch) {
    dropScratch = scratch.drop;
    databaseUrl = scratch.url;
    handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 6 });
  } else {
    handle = await createTestDatabase();
  }
});
beforeEach(async () => {
  await handle.db.delete(rateLimitWindows);
});
afterAll(async () => {
  await handle?.close();
  await dropScratch?.();
});

/** Another web process asks the limiter `count` times, one call after the other. */
async function otherProcess(key: string, options: { limit: number; windowMs: number }, count: number) {
  const { stdout } = await run(
    path.join(ROOT, "node_modules/.bin/tsx"),
    [
      path.join(ROOT, "tests/integration/shared-rate-limit-process.ts"),
      key,
      String(options.limit),
      String(options.windowMs),
      String(count),
    ],
    {
      cwd: ROOT,
      // Nothing else from this environment: the child finds the database by DATABASE_URL alone.
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: databaseUrl! },
      timeout: 30_000,
    },
  );
  return JSON.parse(stdout) as RateLimitResult[];
}

describe.skipIf(!onPostgres)("shared rate limit across web processes (PostgreSQL only: PGlite is in-process)", () => {
  it("counts every process's hits, refuses past the limit with the wait, and does not count refusals", async () => {
    const options = { limit: 3, windowMs: 60_000 };
    expect(await checkSharedRateLimit(handle.db, "qf-lookup:a", options)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
    });
    expect((await otherProcess("qf-lookup:a", options, 2)).map((r) => r.allowed)).toEqual([true, true]);
    // The two hits of the other process count here: this process is refused.
    const refused = await checkSharedRateLimit(handle.db, "qf-lookup:a", options);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    const [again] = await otherProcess("qf-lookup:a", options, 1);
    expect(again!.allowed).toBe(false);
    const [row] = await handle.db.select().from(rateLimitWindows);
    expect(row!.hits).toHaveLength(3);
    // Another key has its own window.
    expect((await otherProcess("qf-lookup:b", options, 1))[0]!.allowed).toBe(true);
  });

  it("lets no two processes take the same last slot", async () => {
    const options = { limit: 5, windowMs: 60_000 };
    const results = (
      await Promise.all([
        otherProcess("qf-lookup:race", options, 6),
        otherProcess("qf-lookup:race", options, 6),
        otherProcess("qf-lookup:race", options, 6),
      ])
    ).flat();
    expect(results).toHaveLength(18);
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});

describe("shared rate limit", () => {
  it("refuses past the limit with the wait, and does not count refusals", async () => {
    const options = { limit: 2, windowMs: 60_000 };
    expect(await checkSharedRateLimit(handle.db, "qf-lookup:a", options)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
    });
    expect((await checkSharedRateLimit(handle.db, "qf-lookup:a", options)).allowed).toBe(true);
    const refused = await checkSharedRateLimit(handle.db, "qf-lookup:a", options);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await checkSharedRateLimit(handle.db, "qf-lookup:a", options)).allowed).toBe(false);
    const [row] = await handle.db.select().from(rateLimitWindows);
    expect(row!.hits).toHaveLength(2);
    expect((await checkSharedRateLimit(handle.db, "qf-lookup:b", options)).allowed).toBe(true);
  });

  it("lets nobody take the same last slot twice when one process’s callers race", async () => {
    const options = { limit: 5, windowMs: 60_000 };
    const results = await Promise.all(
      Array.from({ length: 24 }, () => checkSharedRateLimit(handle.db, "qf-lookup:race", options)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("frees a slot once the oldest hit leaves the window, and keeps only the hits of the window", async () => {
    const options = { limit: 2, windowMs: 1_200 };
    await checkSharedRateLimit(handle.db, "qf-lookup:slide", options);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await checkSharedRateLimit(handle.db, "qf-lookup:slide", options);
    const refused = await checkSharedRateLimit(handle.db, "qf-lookup:slide", options);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect((await checkSharedRateLimit(handle.db, "qf-lookup:slide", options)).allowed).toBe(true);
    const [row] = await handle.db.select().from(rateLimitWindows);
    expect(row!.hits).toHaveLength(2);
  });

  it("rejects nonsensical options instead of letting everything through", async () => {
    await expect(checkSharedRateLimit(handle.db, "k", { limit: 0, windowMs: 1000 })).rejects.toThrow(RangeError);
    await expect(checkSharedRateLimit(handle.db, "k", { limit: 2, windowMs: 0 })).rejects.toThrow(RangeError);
  });

  it("purges the keys nobody used for a day, and only those", async () => {
    await checkSharedRateLimit(handle.db, "qf-lookup:idle", { limit: 3, windowMs: 60_000 });
    await checkSharedRateLimit(handle.db, "qf-lookup:busy", { limit: 3, windowMs: 60_000 });
    await handle.db.execute(
      sql`update ${rateLimitWindows} set updated_at = now() - interval '25 hours' where key = 'qf-lookup:idle'`,
    );
    expect(await purgeIdleRateLimitWindows(handle.db)).toBe(1);
    const keys = await queryRows<{ key: string }>(handle.db, sql`select key from ${rateLimitWindows}`);
    expect(keys.map((k) => k.key)).toEqual(["qf-lookup:busy"]);
  });
});
