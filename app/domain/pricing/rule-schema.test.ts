import { describe, expect, it } from "vitest";
import { parsePriceRule } from "./rule-schema";

const common = { noQfPriceCents: 500, roundingCents: 1, siblingReduction: null };

describe("parsePriceRule", () => {
  it("reads back stored rules of each kind", () => {
    expect(parsePriceRule({ kind: "effort", rate: 3200, floorCents: 50, ceilingCents: 420, ...common })?.kind).toBe(
      "effort",
    );
    expect(parsePriceRule({ kind: "linear", qf1: 0, price1Cents: 1, qf2: 10, price2Cents: 2, ...common })?.kind).toBe(
      "linear",
    );
    const grid = { kind: "grid", brackets: [{ label: "A", min: 0, max: null, priceCents: 100 }], ...common };
    expect(parsePriceRule(grid)?.kind).toBe("grid");
  });

  it("never prices with an invalid rule", () => {
    expect(parsePriceRule({ kind: "effort", rate: 0, floorCents: 0, ceilingCents: 1, ...common })).toBeNull();
    expect(parsePriceRule({ kind: "effort", rate: 1, floorCents: 5, ceilingCents: 1, ...common })).toBeNull();
    expect(parsePriceRule({ kind: "linear", qf1: 5, price1Cents: 1, qf2: 5, price2Cents: 2, ...common })).toBeNull();
    expect(parsePriceRule({ kind: "grid", brackets: [], ...common })).toBeNull();
    expect(parsePriceRule({ kind: "effort", rate: 1, floorCents: -1, ceilingCents: 1, ...common })).toBeNull();
    expect(
      parsePriceRule({ kind: "effort", rate: 1, floorCents: 0, ceilingCents: 1, ...common, roundingCents: 3 }),
    ).toBeNull();
    expect(parsePriceRule("nonsense")).toBeNull();
  });
});
