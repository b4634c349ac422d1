import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  centsToInput,
  divideHalfUp,
  formatCents,
  parseEurosToCents,
  parsePercentToRate,
  rateToInput,
  roundCents,
} from "./money";

describe("divideHalfUp", () => {
  it("rounds halves up, for negative quotients too", () => {
    expect(divideHalfUp(45184, 100)).toBe(452);
    expect(divideHalfUp(5, 10)).toBe(1);
    expect(divideHalfUp(4, 10)).toBe(0);
    expect(divideHalfUp(-5, 10)).toBe(0);
    expect(divideHalfUp(-6, 10)).toBe(-1);
  });

  it("never drifts by more than half a unit from the exact quotient", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), (n, d) => {
        const q = divideHalfUp(n, d);
        // |q − n/d| ≤ 1/2  ⇔  |2qd − 2n| ≤ d, checked in integers (BigInt: no float on the way).
        const gap = 2n * BigInt(q) * BigInt(d) - 2n * BigInt(n);
        expect(gap <= BigInt(d) && gap > -BigInt(d)).toBe(true);
      }),
    );
  });

  it("refuses what it cannot compute exactly", () => {
    expect(() => divideHalfUp(0.5, 2)).toThrow(RangeError);
    expect(() => divideHalfUp(1, 0)).toThrow(RangeError);
  });
});

describe("roundCents", () => {
  it("rounds once to the step (4,449 € is 4,40 € to 10 centimes, not 4,50 €)", () => {
    expect(roundCents(4449, 10, 10)).toBe(440);
    expect(roundCents(4450, 10, 10)).toBe(450);
    expect(roundCents(4449, 10, 1)).toBe(445);
    expect(roundCents(4475, 10, 5)).toBe(450);
  });
});

describe("French amounts", () => {
  it("formats and parses cents without a float", () => {
    expect(formatCents(452).replace(/\s/g, " ")).toBe("4,52 €");
    expect(formatCents(123456).replace(/\s/g, " ")).toBe("1 234,56 €");
    expect(parseEurosToCents("4,52")).toBe(452);
    expect(parseEurosToCents("4.5")).toBe(450);
    expect(parseEurosToCents(" 12 € ")).toBe(1200);
    expect(parseEurosToCents("0,07")).toBe(7);
    expect(parseEurosToCents("-1")).toBeNull();
    expect(parseEurosToCents("4,521")).toBeNull();
    expect(parseEurosToCents("")).toBeNull();
    expect(centsToInput(7)).toBe("0,07");
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), (c) => parseEurosToCents(centsToInput(c)) === c));
  });

  it("parses rates in ten-thousandths of a percent", () => {
    expect(parsePercentToRate("0,32")).toBe(3200);
    expect(parsePercentToRate("0.0619")).toBe(619);
    expect(parsePercentToRate("12 %")).toBe(120000);
    expect(parsePercentToRate("0,00001")).toBeNull();
    expect(rateToInput(619)).toBe("0,0619");
    expect(rateToInput(120000)).toBe("12");
    fc.assert(fc.property(fc.integer({ min: 0, max: 9_999_999 }), (r) => parsePercentToRate(rateToInput(r)) === r));
  });
});
