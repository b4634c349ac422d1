import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.ts";
import { computePrice } from "../../app/domain/pricing/price.ts";
import type { PriceRule } from "../../app/domain/pricing/rules.ts";
import { priceSql } from "../../app/portal/tariffs/price-sql.server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/*
 * The SQL expression against the domain function, on random rules and QFs, on the real database
 * (PGlite, or PostgreSQL with TEST_DATABASE_URL): one query per rule prices a batch of QFs.
 */

const cents = fc.integer({ min: 0, max: 100_000_000 });
const smallCents = fc.integer({ min: 0, max: 50_000 });
const qfArb = fc.integer({ min: 0, max: 1_000_000 });
const everydayQf = fc.integer({ min: 0, max: 5_000 });
const step = fc.constantFrom(1 as const, 5 as const, 10 as const);
const reduction = fc.option(
  fc.record({ percent: fc.integer({ min: 1, max: 100 }), fromChild: fc.integer({ min: 2, max: 10 }) }),
);
const common = fc.record({ noQfPriceCents: cents, roundingCents: step, siblingReduction: reduction });

const gridArb = fc
  .tuple(
    fc.array(fc.tuple(fc.integer({ min: 1, max: 2_000 }), fc.oneof(smallCents, cents)), {
      minLength: 1,
      maxLength: 8,
    }),
    fc.integer({ min: 0, max: 500 }),
    common,
  )
  .map(([rows, start, rest]): PriceRule => {
    // Brackets may start above 0, so some QFs fall outside them (the price without QF).
    let min = start;
    const brackets = rows.map(([width, priceCents], i) => {
      const bracket = { label: `T${i + 1}`, min, max: i === rows.length - 1 ? null : min + width - 1, priceCents };
      min += width;
      return bracket;
    });
    return { kind: "grid", brackets, ...rest };
  });

const effortArb = fc
  .record({ rate: fc.integer({ min: 1, max: 1_000_000 }), a: fc.oneof(smallCents, cents), b: cents, rest: common })
  .map(({ rate, a, b, rest }): PriceRule => ({
    kind: "effort",
    rate,
    floorCents: Math.min(a, b),
    ceilingCents: Math.max(a, b),
    ...rest,
  }));

const linearArb = fc
  .record({
    qf1: fc.oneof(everydayQf, qfArb),
    qf2: fc.oneof(everydayQf, qfArb),
    price1Cents: fc.oneof(smallCents, cents),
    price2Cents: fc.oneof(smallCents, cents),
    rest: common,
  })
  .filter((r) => r.qf1 !== r.qf2)
  .map(({ rest, ...r }): PriceRule => ({ kind: "linear", ...r, ...rest }));

const qfsArb = fc.array(fc.option(fc.oneof(everydayQf, qfArb), { nil: null, freq: 8 }), {
  minLength: 1,
  maxLength: 30,
});

describe("priceSql", () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  async function sqlPrices(rule: PriceRule, qfs: (number | null)[], childRank: number): Promise<number[]> {
    const values = sql.raw(`array[${qfs.map((qf) => (qf === null ? "null" : String(qf))).join(",")}]::int[]`);
    const rows = await queryRows<{ n: number; price: number }>(
      handle.db,
      sql`select t.n::int as n, ${priceSql(rule, sql`t.qf`, childRank)} as price
          from unnest(${values}) with ordinality as t(qf, n) order by t.n`,
    );
    return rows.map((row) => Number(row.price));
  }

  it.each([
    ["grid", gridArb],
    ["effort", effortArb],
    ["linear", linearArb],
  ] as const)("equals computePrice for %s rules, every child rank", async (_, ruleArb) => {
    await fc.assert(
      fc.asyncProperty(ruleArb, qfsArb, fc.integer({ min: 1, max: 4 }), async (rule, qfs, childRank) => {
        const expected = qfs.map((qf) => computePrice(rule, qf, childRank).cents);
        expect(await sqlPrices(rule, qfs, childRank)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("rounds halves up, to the step, once (golden values)", async () => {
    const rule: PriceRule = {
      kind: "effort",
      rate: 3200,
      floorCents: 0,
      ceilingCents: 100_000,
      noQfPriceCents: 999,
      roundingCents: 5,
      siblingReduction: { percent: 10, fromChild: 2 },
    };
    // 1 412 × 0,32 % = 4,5184 € → 4,50 €; 1 390,625 would be 4,45; 1 398 → 4,4736 → 4,45.
    expect(await sqlPrices(rule, [1412, 1398, null, 0], 1)).toEqual([450, 445, 999, 0]);
    // −10 % of 4,50 € = 4,05 €; of 9,99 € = 8,991 → 9,00 € (to 5 cents).
    expect(await sqlPrices(rule, [1412, null], 2)).toEqual([405, 900]);
  });
});
