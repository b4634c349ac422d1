import { eq, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import { apiParticulierRateLimits } from "../../db/schema/index.ts";
import {
  createTokenPacer,
  tokenHash,
  type TokenPacer,
  type TokenPacerOptions,
} from "../../app/integrations/api-particulier/token-pacer.server.ts";
import { sleep } from "../../app/integrations/http.server.ts";
import { logger } from "../../app/utils/logger.server.ts";
import { densestSecond } from "../helpers/pacing.ts";
import { createScratchPostgresDatabase, createTestDatabase } from "../helpers/test-database.ts";

/**
 * The token pacer against a real database: on PostgreSQL, three connection pools stand for three
 * processes (each pacer its own pool, so the row's lock really arbitrates between them); on PGlite,
 * three pacers share the one embedded database. The "API" here is a function that records when a
 * request would arrive, after a random network delay, so the densest second is measured where the
 * real API measures it.
 */

let handles: DatabaseHandle[] = [];
let dropScratch: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const scratch = await createScratchPostgresDatabase();
  if (scratch) {
    dropScratch = scratch.drop;
    const first = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
    const others = await Promise.all(
      [1, 2].map(() => openDatabase({ databaseUrl: scratch.url, maxConnections: 4, migrate: false })),
    );
    handles = [first, ...others];
  } else {
    const single = await createTestDatabase();
    handles = [single, single, single];
  }
});

afterAll(async () => {
  for (const handle of new Set(handles)) await handle.close();
  await dropScratch?.();
});

const pacers = (options: TokenPacerOptions): TokenPacer[] => handles.map((h) => createTokenPacer(h.db, options));

const wallClock = () => performance.timeOrigin + performance.now();

/** Blocks the event loop, like a garbage collection or a CPU-bound neighbour would. */
function busyWait(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

async function rowOf(token: string) {
  const [row] = await handles[0]!.db
    .select()
    .from(apiParticulierRateLimits)
    .where(eq(apiParticulierRateLimits.tokenHash, tokenHash(token)));
  return row!;
}

describe("API Particulier token pacer", () => {
  it(
    "never lets more than the limit arrive in a second, with network jitter, a stalling process and a stalling API",
    { timeout: 60_000 },
    async () => {
      const LIMIT = 5;
      const token = "pacer-burst-token";
      // Slots at the limit itself: the pacing alone would let jitter bunch them; the guard must hold.
      const all = pacers({ ratePerSecond: LIMIT, limitPerSecond: LIMIT });
      const arrivals: number[] = [];
      let calls = 0;
      let stalls = 0;
      let apiStalledUntil = 0;
      const api = async () => {
        // Now and then the process stalls right after the guard (GC, CPU starvation): every
        // request of the process leaves late, then together. Every ninth call stalls for sure
        // (a random draw alone left some runs without any stall, so the test proved nothing).
        if (calls++ % 9 === 4 || Math.random() < 0.05) {
          stalls++;
          busyWait(120);
        }
        await sleep(Math.random() * 80); // network, to the API
        // Now and then the API itself stalls (a busy server queues requests before counting them):
        // everything that reaches it meanwhile is counted together when it wakes up.
        if (apiStalledUntil < wallClock() && Math.random() < 0.08) apiStalledUntil = wallClock() + 1_500;
        const stall = apiStalledUntil - wallClock();
        if (stall > 0) await sleep(stall);
        arrivals.push(wallClock());
        await sleep(Math.random() * 40); // the API's work and the way back
        return { status: 200 };
      };
      const worker = async (pacer: TokenPacer) => {
        const lanes = Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 3; i++) {
            const sent = await pacer.send(token, { caller: "campaign", send: api, retryAfterOf: () => null });
            expect(sent.kind).toBe("sent");
          }
        });
        await Promise.all(lanes);
      };
      const started = wallClock();
      await Promise.all(all.map(worker));
      const elapsedS = (wallClock() - started) / 1000;

      expect(arrivals).toHaveLength(36);
      expect(stalls).toBeGreaterThan(0);
      expect(densestSecond([...arrivals].sort((a, b) => a - b)).count).toBeLessThanOrEqual(LIMIT);
      // The guard costs pace, not much: 36 requests at 5/s take about 7 s, stalls included.
      expect(elapsedS).toBeLessThan(20);
      // Every send was answered: nothing is left counted as in flight.
      const row = await rowOf(token);
      expect((row.sends as { done: boolean }[]).every((s) => s.done)).toBe(true);
    },
  );

  it("a 429 pauses the token in every process for the whole Retry-After, is counted and logged", async () => {
    const token = "pacer-429-token";
    const [first, second] = pacers({ ratePerSecond: 18, limitPerSecond: 20 });
    const warn = vi.spyOn(logger, "warn");
    try {
      const refused = await first!.send(token, {
        caller: "campaign",
        send: async () => ({ kind: "rate_limited" as const, retryAfterMs: 1_200 }),
        retryAfterOf: (answer) => answer.retryAfterMs,
      });
      expect(refused.kind).toBe("sent");

      // Another process: nothing leaves during the pause.
      const called = vi.fn(async () => ({ status: 200 }));
      const during = await second!.send(token, { caller: "qf_lookup", send: called, retryAfterOf: () => null });
      expect(during).toMatchObject({ kind: "paused" });
      expect(during.kind === "paused" && during.retryAfterMs).toBeGreaterThan(1_000);
      expect(called).not.toHaveBeenCalled();
      expect(await second!.pausedSeconds(token)).toBeGreaterThanOrEqual(1);

      await sleep(1_500); // Retry-After (1.2 s) plus the pacer's margin (0.25 s)
      expect(await second!.pausedSeconds(token)).toBe(0);
      const after = await second!.send(token, { caller: "qf_lookup", send: called, retryAfterOf: () => null });
      expect(after.kind).toBe("sent");
      expect(called).toHaveBeenCalledTimes(1);

      const row = await rowOf(token);
      expect(row.rateLimitedTotal).toBe(1);
      expect(row.lastRateLimitedAt).not.toBeNull();
      const line = warn.mock.calls.find((call) => String(call[1]).includes("429"));
      expect(line).toBeDefined();
      const fields = line![0] as { tokenHash: string; caller: string; recentSends: unknown[] };
      expect(fields).toMatchObject({ caller: "campaign", tokenHash: tokenHash(token).slice(0, 12) });
      expect(fields.recentSends).toEqual([
        { sentMsAgo: expect.any(Number), arrivedByMsAgo: expect.any(Number), answered: true },
      ]);
      // The token itself never reaches the logs.
      expect(JSON.stringify(warn.mock.calls)).not.toContain(token);
    } finally {
      warn.mockRestore();
    }
  });

  it("bounds the calls in flight per token across processes", async () => {
    const token = "pacer-in-flight-token";
    const [first, second] = pacers({ ratePerSecond: 20, limitPerSecond: 20, maxInFlight: 2 });
    const gates: Array<() => void> = [];
    let started = 0;
    const hanging = () =>
      new Promise<{ status: number }>((resolve) => {
        started++;
        gates.push(() => resolve({ status: 200 }));
      });
    const send = (pacer: TokenPacer) =>
      pacer.send(token, { caller: "campaign", send: hanging, retryAfterOf: () => null });
    const a = send(first!);
    const b = send(second!);
    const c = send(first!);
    await sleep(400);
    expect(started).toBe(2);
    gates.shift()!(); // one answer comes back: its place frees
    await sleep(300);
    expect(started).toBe(3);
    for (const open of gates.splice(0)) open();
    expect((await Promise.all([a, b, c])).map((sent) => sent.kind)).toEqual(["sent", "sent", "sent"]);
  });

  it("sends nothing when beforeSend says no, and counts a dead process's call as in flight only for a while", async () => {
    const token = "pacer-cancel-token";
    const [pacer] = pacers({ ratePerSecond: 20, limitPerSecond: 20, maxInFlight: 1, abandonedAfterMs: 600 });
    const called = vi.fn(async () => ({ status: 200 }));
    const cancelled = await pacer!.send(token, {
      caller: "campaign",
      beforeSend: async () => false,
      send: called,
      retryAfterOf: () => null,
    });
    expect(cancelled.kind).toBe("cancelled");
    expect(called).not.toHaveBeenCalled();
    expect((await rowOf(token)).sends).toEqual([]);

    // A process logs a send and dies before its answer: the place is taken until abandonedAfterMs.
    const dying = pacer!.send(token, {
      caller: "campaign",
      send: () => new Promise<{ status: number }>(() => {}),
      retryAfterOf: () => null,
    });
    void dying;
    await sleep(100);
    const waited = Date.now();
    const next = await pacer!.send(token, { caller: "campaign", send: called, retryAfterOf: () => null });
    expect(next.kind).toBe("sent");
    expect(Date.now() - waited).toBeGreaterThanOrEqual(350);
  });

  it("inserts a new token's row once when its first calls are sent side by side", async () => {
    const token = "pacer-first-calls-token";
    const dialect = new PgDialect();
    let inserts = 0;
    // Counts the statements that create a token's row; everything else goes through unchanged.
    const counting = new Proxy(handles[0]!.db, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== "execute" || typeof value !== "function") return value;
        return (query: SQL) => {
          if (/insert into api_particulier_rate_limits/.test(dialect.sqlToQuery(query).sql)) inserts++;
          return (value as (q: SQL) => unknown).call(target, query);
        };
      },
    });
    const pacer = createTokenPacer(counting, { ratePerSecond: 20, limitPerSecond: 20 });
    const ok = () => Promise.resolve({ status: 200 });
    const sent = await Promise.all(
      Array.from({ length: 6 }, () => pacer.send(token, { caller: "campaign", send: ok, retryAfterOf: () => null })),
    );
    expect(sent.map((s) => s.kind)).toEqual(Array(6).fill("sent"));
    expect(inserts).toBe(1);
    await pacer.send(token, { caller: "campaign", send: ok, retryAfterOf: () => null });
    expect(inserts).toBe(1);
  });

  it("ends a wait when the caller's signal aborts", async () => {
    const token = "pacer-abort-token";
    const [pacer] = pacers({ ratePerSecond: 1, limitPerSecond: 20 });
    const ok = () => Promise.resolve({ status: 200 });
    await pacer!.send(token, { caller: "qf_lookup", send: ok, retryAfterOf: () => null });
    // The next slot is a second away: a 100 ms budget gives up with the signal's reason.
    await expect(
      pacer!.send(token, { caller: "qf_lookup", signal: AbortSignal.timeout(100), send: ok, retryAfterOf: () => null }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
