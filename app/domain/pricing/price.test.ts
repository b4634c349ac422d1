import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeRule } from "./describe-rule";
import { computePrice, priceCents, pricesPerChild } from "./price";
import type { PriceRule } from "./rules";

/*
 * fast-check (already a dev dependency for the bad-input sweep) generates the rules and QFs and
 * shrinks a failure to the smallest rule that breaks a property, which a hand-written seeded
 * generator would not.
 */

const text = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
const common = { noQfPriceCents: 520, roundingCents: 1 as const, siblingReduction: null };

const cents = fc.integer({ min: 0, max: 50_000 });
const qfArb = fc.integer({ min: 0, max: 20_000 });
const step = fc.constantFrom(1 as const, 5 as const, 10 as const);

const gridArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 2_000 }), cents), { minLength: 1, maxLength: 8 })
  .map((rows): PriceRule => {
    let min = 0;
    const brackets = rows.map(([width, priceCents], i) => {
      const last = i === rows.length - 1;
      const bracket = { label: `T${i + 1}`, min, max: last ? null : min + width - 1, priceCents };
      min += width;
      return bracket;
    });
    return { kind: "grid", brackets, ...common };
  });

const effortArb = fc
  .record({ rate: fc.integer({ min: 1, max: 50_000 }), a: cents, b: cents, roundingCents: step })
  .map(({ rate, a, b, roundingCents }): PriceRule => ({
    kind: "effort",
    rate,
    floorCents: Math.min(a, b),
    ceilingCents: Math.max(a, b),
    ...common,
    roundingCents,
  }));

const linearArb = fc
  .record({ qf1: qfArb, qf2: qfArb, price1Cents: cents, price2Cents: cents, roundingCents: step })
  .filter((r) => r.qf1 !== r.qf2)
  .map((r): PriceRule => ({ kind: "linear", ...r, ...common }));

describe("properties", () => {
  it("priceCents is computePrice's amount, without the explanation", () => {
    const withReduction = (rule: PriceRule, percent: number, fromChild: number, noQf: number): PriceRule => ({
      ...rule,
      noQfPriceCents: noQf,
      siblingReduction: percent === 0 ? null : { percent, fromChild },
    });
    fc.assert(
      fc.property(
        fc.oneof(gridArb, effortArb, linearArb),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 2, max: 4 }),
        cents,
        fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: null }),
        fc.integer({ min: 1, max: 5 }),
        (rule, percent, fromChild, noQf, qf, rank) => {
          const priced = withReduction(rule, percent, fromChild, noQf);
          expect(priceCents(priced, qf, rank)).toBe(computePrice(priced, qf, rank).cents);
        },
      ),
    );
  });

  it("a grid is a step function: constant inside each bracket, the bracket's price", () => {
    fc.assert(
      fc.property(gridArb, qfArb, qfArb, (rule, a, b) => {
        if (rule.kind !== "grid") return;
        const inBracket = (qf: number) => rule.brackets.find((x) => qf >= x.min && (x.max === null || qf <= x.max));
        expect(computePrice(rule, a).cents).toBe(inBracket(a)!.priceCents);
        if (inBracket(a) === inBracket(b)) expect(computePrice(rule, a).cents).toBe(computePrice(rule, b).cents);
      }),
    );
  });

  it("effort rates stay within floor and ceiling, never decrease, and move by at most one step per euro of QF", () => {
    fc.assert(
      fc.property(effortArb, qfArb, (rule, qf) => {
        if (rule.kind !== "effort") return;
        const here = computePrice(rule, qf).cents;
        const next = computePrice(rule, qf + 1).cents;
        expect(here).toBeGreaterThanOrEqual(rule.floorCents);
        expect(here).toBeLessThanOrEqual(rule.ceilingCents);
        expect(next).toBeGreaterThanOrEqual(here);
        // Continuity: one more euro of QF moves the price by the rate plus one rounding step at most.
        expect(next - here).toBeLessThanOrEqual(Math.ceil(rule.rate / 10_000) + rule.roundingCents);
      }),
    );
  });

  it("effort rates never drift by more than half a rounding step from QF × rate", () => {
    fc.assert(
      fc.property(effortArb, qfArb, (rule, qf) => {
        if (rule.kind !== "effort") return;
        const exact = qf * rule.rate; // in 1/10 000 cent
        const clamped = Math.min(Math.max(exact, rule.floorCents * 10_000), rule.ceilingCents * 10_000);
        const price = computePrice(rule, qf).cents;
        // |price − exact| ≤ step/2, or the clamp moved it onto floor or ceiling.
        const onBound = price === rule.floorCents || price === rule.ceilingCents;
        expect(onBound || Math.abs(price * 10_000 - clamped) * 2 <= rule.roundingCents * 10_000).toBe(true);
      }),
    );
  });

  it("linear rules stay between their two prices, are flat outside, and monotonic like their points", () => {
    fc.assert(
      fc.property(linearArb, qfArb, (rule, qf) => {
        if (rule.kind !== "linear") return;
        const low = Math.min(rule.price1Cents, rule.price2Cents);
        const high = Math.max(rule.price1Cents, rule.price2Cents);
        const here = computePrice(rule, qf).cents;
        const next = computePrice(rule, qf + 1).cents;
        // Rounding to 5 or 10 cents may step just past an endpoint that is not itself a multiple.
        expect(here).toBeGreaterThanOrEqual(low - rule.roundingCents);
        expect(here).toBeLessThanOrEqual(high + rule.roundingCents);
        const increasing = (rule.qf2 - rule.qf1) * (rule.price2Cents - rule.price1Cents) >= 0;
        if (increasing) expect(next).toBeGreaterThanOrEqual(here);
        else expect(next).toBeLessThanOrEqual(here);
        const [qfLow, qfHigh] = [Math.min(rule.qf1, rule.qf2), Math.max(rule.qf1, rule.qf2)];
        if (qf >= qfHigh) expect(next).toBe(here);
        if (qf + 1 <= qfLow) expect(next).toBe(here);
      }),
    );
  });

  it("linear rules to the cent never drift by more than half a cent from the line", () => {
    fc.assert(
      fc.property(linearArb, qfArb, (rule, qf) => {
        if (rule.kind !== "linear" || rule.roundingCents !== 1) return;
        const [a, b] = rule.qf1 < rule.qf2 ? [rule.qf1, rule.qf2] : [rule.qf2, rule.qf1];
        const [pa, pb] =
          rule.qf1 < rule.qf2 ? [rule.price1Cents, rule.price2Cents] : [rule.price2Cents, rule.price1Cents];
        const x = Math.min(Math.max(qf, a), b);
        const exactTimesSpan = pa * (b - a) + (pb - pa) * (x - a); // the line × (b − a)
        const price = computePrice(rule, qf).cents;
        expect(Math.abs(price * (b - a) - exactTimesSpan) * 2).toBeLessThanOrEqual(b - a);
      }),
    );
  });

  it("a sibling reduction never raises a price and leaves the first children alone", () => {
    fc.assert(
      fc.property(
        fc.oneof(gridArb, effortArb, linearArb),
        qfArb,
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 2, max: 5 }),
        (rule, qf, percent, fromChild) => {
          const reduced = { ...rule, siblingReduction: { percent, fromChild } };
          const prices = pricesPerChild(reduced, qf, 6).map((p) => p.cents);
          const full = computePrice(rule, qf).cents;
          prices.forEach((cents, i) => {
            if (i + 1 < fromChild) expect(cents).toBe(full);
            else expect(cents).toBeLessThanOrEqual(full + rule.roundingCents);
          });
        },
      ),
    );
  });
});

describe("golden rule sets", () => {
  // Restauration scolaire, grid on four brackets (typical of a city of 150 000).
  const canteen: PriceRule = {
    kind: "grid",
    brackets: [
      { label: "Tranche A", min: 0, max: 450, priceCents: 100 },
      { label: "Tranche B", min: 451, max: 900, priceCents: 245 },
      { label: "Tranche C", min: 901, max: 1400, priceCents: 380 },
      { label: "Tranche D", min: 1401, max: null, priceCents: 520 },
    ],
    noQfPriceCents: 520,
    roundingCents: 1,
    siblingReduction: { percent: 10, fromChild: 2 },
  };

  it("prices and explains a grid, with the sibling reduction", () => {
    expect(text(computePrice(canteen, 450).explanation)).toBe("Tranche A (QF 0 € à 450 €) : 1,00 €");
    expect(computePrice(canteen, 451).cents).toBe(245);
    expect(text(computePrice(canteen, 3000).explanation)).toBe("Tranche D (QF 1 401 € et plus) : 5,20 €");
    expect(text(computePrice(canteen, null).explanation)).toBe("Sans QF connu : 5,20 €");
    const siblings = pricesPerChild(canteen, 1000, 3);
    expect(siblings.map((p) => p.cents)).toEqual([380, 342, 342]);
    expect(text(siblings[1]!.explanation)).toBe(
      "Tranche C (QF 901 € à 1 400 €) : 3,80 € ; −10 % à partir du 2e enfant : 3,42 €",
    );
  });

  // Accueil périscolaire, 0,32 % of the QF per evening, between 0,50 € and 4,20 €.
  const evening: PriceRule = {
    kind: "effort",
    rate: 3200,
    floorCents: 50,
    ceilingCents: 420,
    noQfPriceCents: 420,
    roundingCents: 1,
    siblingReduction: null,
  };

  it("prices and explains an effort rate, capped and floored", () => {
    expect(text(computePrice(evening, 1412).explanation)).toBe("0,32 % × 1 412 € = 4,52 €, plafonné à 4,20 €");
    expect(computePrice(evening, 1412).cents).toBe(420);
    expect(computePrice(evening, 1000).cents).toBe(320);
    expect(computePrice(evening, 1001).cents).toBe(320); // 3,2032 €
    expect(computePrice(evening, 1016).cents).toBe(325); // 3,2512 €
    expect(text(computePrice(evening, 100).explanation)).toBe("0,32 % × 100 € = 0,32 €, porté au plancher de 0,50 €");
  });

  // Crèche, CNAF's 0,0619 % per hour (one child), rounded to 5 centimes.
  const nursery: PriceRule = {
    kind: "effort",
    rate: 619,
    floorCents: 49,
    ceilingCents: 421,
    noQfPriceCents: 421,
    roundingCents: 5,
    siblingReduction: null,
  };

  it("rounds a crèche's hourly rate half up to 5 centimes", () => {
    // 1 650 × 0,0619 % = 1,021 35 € → 1,00 € ; 1 700 → 1,0523 € → 1,05 €.
    expect(computePrice(nursery, 1650).cents).toBe(100);
    expect(computePrice(nursery, 1700).cents).toBe(105);
    expect(text(computePrice(nursery, 1700).explanation)).toBe("0,0619 % × 1 700 € = 1,05 € (arrondi à 5 centimes)");
  });

  // Accueil de loisirs, linear from 3 € at QF 400 to 18 € at QF 1 600.
  const leisure: PriceRule = {
    kind: "linear",
    qf1: 400,
    price1Cents: 300,
    qf2: 1600,
    price2Cents: 1800,
    noQfPriceCents: 1800,
    roundingCents: 1,
    siblingReduction: null,
  };

  it("prices and explains a linear rule, flat outside its points", () => {
    expect(computePrice(leisure, 1000).cents).toBe(1050);
    expect(computePrice(leisure, 401).cents).toBe(301); // 3,0125 €
    expect(computePrice(leisure, 1599).cents).toBe(1799); // 17,9875 € → 17,99 €
    expect(text(computePrice(leisure, 1000).explanation)).toBe(
      "QF 1 000 € entre 400 € (3,00 €) et 1 600 € (18,00 €) : 10,50 €",
    );
    expect(text(computePrice(leisure, 200).explanation)).toBe("QF 200 €, jusqu’à 400 € : 3,00 €");
    expect(text(computePrice(leisure, 5000).explanation)).toBe("QF 5 000 €, à partir de 1 600 € : 18,00 €");
  });
});

describe("describeRule", () => {
  it("says each rule in one sentence", () => {
    const rule: PriceRule = {
      kind: "effort",
      rate: 3200,
      floorCents: 50,
      ceilingCents: 420,
      noQfPriceCents: 420,
      roundingCents: 5,
      siblingReduction: { percent: 10, fromChild: 2 },
    };
    expect(text(describeRule(rule))).toBe(
      "0,32 % du QF, entre 0,50 € et 4,20 € ; sans QF connu : 4,20 € ; arrondi à 5 centimes ; −10 % à partir du 2e enfant",
    );
  });
});
