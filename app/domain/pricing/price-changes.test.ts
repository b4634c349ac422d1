import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizePriceChanges } from "./price-changes";

describe("summarizePriceChanges", () => {
  it("counts ups and downs, sums their sizes and keeps the largest each way", () => {
    const summary = summarizePriceChanges(
      [
        { family: "a", beforeCents: 100, afterCents: 250 },
        { family: "b", beforeCents: 420, afterCents: 300 },
        { family: "c", beforeCents: 250, afterCents: 250 },
        { family: "d", beforeCents: 100, afterCents: 120 },
        { family: "e", beforeCents: 100, afterCents: 400 },
        { family: "f", beforeCents: 100, afterCents: 250 },
      ],
      2,
    );
    expect(summary.unchanged).toBe(1);
    expect(summary.up).toMatchObject({ families: 4, totalCents: 150 + 20 + 300 + 150 });
    expect(summary.up.largest.map((c) => [c.family, c.deltaCents])).toEqual([
      ["e", 300],
      ["a", 150],
    ]);
    expect(summary.down).toEqual({
      families: 1,
      totalCents: 120,
      largest: [{ family: "b", beforeCents: 420, afterCents: 300, deltaCents: -120 }],
    });
  });

  it("agrees with sorting everything, whatever the order and the limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))),
        fc.integer({ min: 0, max: 5 }),
        (pairs, limit) => {
          const rows = pairs.map(([beforeCents, afterCents], i) => ({ family: i, beforeCents, afterCents }));
          const summary = summarizePriceChanges(rows, limit);
          const ups = rows.filter((r) => r.afterCents > r.beforeCents);
          const downs = rows.filter((r) => r.afterCents < r.beforeCents);
          expect(summary.up.families).toBe(ups.length);
          expect(summary.down.families).toBe(downs.length);
          expect(summary.unchanged).toBe(rows.length - ups.length - downs.length);
          const size = (r: { beforeCents: number; afterCents: number }) => Math.abs(r.afterCents - r.beforeCents);
          expect(summary.up.totalCents).toBe(ups.reduce((sum, r) => sum + size(r), 0));
          const expectedTop = (list: typeof rows) =>
            [...list]
              .sort((x, y) => size(y) - size(x) || x.family - y.family)
              .slice(0, limit)
              .map((r) => r.family);
          expect(summary.up.largest.map((c) => c.family)).toEqual(expectedTop(ups));
          expect(summary.down.largest.map((c) => c.family)).toEqual(expectedTop(downs));
        },
      ),
    );
  });
});
