import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { priceCents } from "./price";
import { qfSetForPriceRange, type QfSet } from "./qf-ranges-for-price";
import type { PriceRule } from "./rules";

const cents = fc.integer({ min: 0, max: 5_000 });
const qfArb = fc.integer({ min: 0, max: 5_000 });
const step = fc.constantFrom(1 as const, 5 as const, 10 as const);
const noQf = fc.integer({ min: 0, max: 5_000 });

// Brackets as agents may type them: in any order, with gaps (no-QF price) and overlaps (first wins).
const gridArb = fc
  .record({
    brackets: fc.array(
      fc.record({ min: qfArb, width: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: null }), priceCents: cents }),
      { minLength: 1, maxLength: 6 },
    ),
    noQfPriceCents: noQf,
  })
  .map(({ brackets, noQfPriceCents }): PriceRule => ({
    kind: "grid",
    brackets: brackets.map((b, i) => ({
      label: `T${i + 1}`,
      min: b.min,
      max: b.width === null ? null : b.min + b.width,
      priceCents: b.priceCents,
    })),
    noQfPriceCents,
    roundingCents: 1,
    siblingReduction: null,
  }));

const effortArb = fc
  .record({ rate: fc.integer({ min: 1, max: 50_000 }), a: cents, b: cents, roundingCents: step, noQfPriceCents: noQf })
  .map(({ rate, a, b, roundingCents, noQfPriceCents }): PriceRule => ({
    kind: "effort",
    rate,
    floorCents: Math.min(a, b),
    ceilingCents: Math.max(a, b),
    noQfPriceCents,
    roundingCents,
    siblingReduction: null,
  }));

const linearArb = fc
  .record({ qf1: qfArb, qf2: qfArb, price1Cents: cents, price2Cents: cents, roundingCents: step, noQfPriceCents: noQf })
  .filter((r) => r.qf1 !== r.qf2)
  .map((r): PriceRule => ({ kind: "linear", ...r, siblingReduction: null }));

const rangeArb = fc
  .tuple(fc.option(cents, { nil: null }), fc.option(cents, { nil: null }))
  .map(([a, b]) => (a !== null && b !== null && a > b ? [b, a] : [a, b]) as [number | null, number | null]);

const holds = (set: QfSet, qf: number) =>
  set.intervals.some((interval) => qf >= interval.min && (interval.max === null || qf <= interval.max));

const inRange = (cents: number, [min, max]: [number | null, number | null]) =>
  (min === null || cents >= min) && (max === null || cents <= max);

/** The QFs among `probes` where the set and the price disagree (a plain loop: an expect per QF is slow). */
function disagreements(rule: PriceRule, set: QfSet, range: [number | null, number | null], probes: Iterable<number>) {
  const wrong: number[] = [];
  for (const qf of probes) if (holds(set, qf) !== inRange(priceCents(rule, qf), range)) wrong.push(qf);
  return wrong;
}

function* upTo(last: number) {
  for (let qf = 0; qf <= last; qf++) yield qf;
}

describe("the QFs a price range selects", () => {
  it("are exactly the QFs whose price is in the range, for every grid (gaps and overlaps included)", () => {
    fc.assert(
      fc.property(gridArb, rangeArb, (rule, range) => {
        const set = qfSetForPriceRange(rule, ...range);
        expect(set.unknownQf).toBe(inRange(priceCents(rule, null), range));
        expect(disagreements(rule, set, range, upTo(7_100))).toEqual([]);
        // Intervals are disjoint, not adjacent, in increasing order.
        set.intervals.forEach((interval, i) => {
          const previous = set.intervals[i - 1];
          if (previous) expect(interval.min).toBeGreaterThan(previous.max! + 1);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("are exactly the QFs whose price is in the range, for effort rates and lines, up to the largest QFs", () => {
    fc.assert(
      fc.property(
        fc.oneof(effortArb, linearArb),
        rangeArb,
        fc.array(fc.nat(), { maxLength: 50 }),
        (rule, range, extra) => {
          const set = qfSetForPriceRange(rule, ...range);
          expect(set.unknownQf).toBe(inRange(priceCents(rule, null), range));
          expect(set.intervals.length).toBeLessThanOrEqual(3);
          // Every QF up to where lines end and small rates still climb, each interval end and its
          // neighbours, and QFs far beyond (an effort rate flattens at its ceiling).
          const ends = set.intervals.flatMap((i) => [
            i.min - 1,
            i.min,
            i.min + 1,
            ...(i.max === null ? [] : [i.max - 1, i.max, i.max + 1]),
          ]);
          const probes = [...upTo(6_000), ...ends, ...extra, 1_000_000, 50_000_000].filter((qf) => qf >= 0);
          expect(disagreements(rule, set, range, probes)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads like a commune's canteen grid", () => {
    const rule: PriceRule = {
      kind: "grid",
      brackets: [
        { label: "A", min: 0, max: 600, priceCents: 150 },
        { label: "B", min: 601, max: 1000, priceCents: 450 },
        { label: "C", min: 1001, max: 1400, priceCents: 300 },
        { label: "D", min: 1401, max: null, priceCents: 520 },
      ],
      noQfPriceCents: 520,
      roundingCents: 1,
      siblingReduction: null,
    };
    expect(qfSetForPriceRange(rule, 200, 400)).toEqual({ intervals: [{ min: 1001, max: 1400 }], unknownQf: false });
    expect(qfSetForPriceRange(rule, 100, 460)).toEqual({ intervals: [{ min: 0, max: 1400 }], unknownQf: false });
    expect(qfSetForPriceRange(rule, 500, null)).toEqual({ intervals: [{ min: 1401, max: null }], unknownQf: true });
    expect(qfSetForPriceRange(rule, 600, 700)).toEqual({ intervals: [], unknownQf: false });
  });
});
