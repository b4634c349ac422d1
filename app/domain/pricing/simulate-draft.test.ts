import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PriceRule } from "./rules";
import {
  bucketIndex,
  bucketStep,
  distribution,
  familyUnitCents,
  largestChange,
  revenueImpact,
  simulateDraft,
  type FamilyGroup,
} from "./simulate-draft";

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
const grid: PriceRule = {
  kind: "grid",
  brackets: [
    { label: "Tranche A", min: 0, max: 600, priceCents: 110 },
    { label: "Tranche B", min: 601, max: null, priceCents: 480 },
  ],
  noQfPriceCents: 520,
  roundingCents: 1,
  siblingReduction: { percent: 10, fromChild: 2 },
};
const effort: PriceRule = {
  kind: "effort",
  rate: 3200,
  floorCents: 50,
  ceilingCents: 420,
  noQfPriceCents: 420,
  roundingCents: 1,
  siblingReduction: null,
};

describe("familyUnitCents", () => {
  it("adds the children's prices with the sibling reduction for a service priced per child", () => {
    // 1,10 € + 0,99 € + 0,99 €
    expect(familyUnitCents(grid, true, { qf: 500, children: 3 })).toBe(110 + 99 + 99);
    // No child recorded: priced as one child, like the family file.
    expect(familyUnitCents(grid, true, { qf: 500, children: 0 })).toBe(110);
    expect(familyUnitCents(grid, false, { qf: 500, children: 3 })).toBe(110);
    expect(familyUnitCents(grid, false, { qf: null, children: 1 })).toBe(520);
    expect(familyUnitCents(null, true, { qf: 500, children: 2 })).toBe(0);
  });
});

describe("buckets", () => {
  it("derive their width from the largest change and label it in euros", () => {
    expect(bucketStep(0)).toBe(1);
    expect(bucketStep(30)).toBe(10);
    expect(bucketStep(31)).toBe(20);
    expect(bucketStep(1_400)).toBe(500);
    expect([-301, -200, -1, 0, 1, 100, 101, 201, 5_000].map((c) => bucketIndex(c, 100))).toEqual([
      -3, -2, -1, 0, 1, 1, 2, 3, 3,
    ]);
  });

  it("spread a simulation's families, shared by two drafts", () => {
    const groups: FamilyGroup[] = [
      { qf: 400, children: 1, count: 10 },
      { qf: 900, children: 2, count: 5 },
      { qf: null, children: 1, count: 2 },
    ];
    const service = { perChild: true, current: grid };
    const raise = simulateDraft(service, { ...grid, noQfPriceCents: 600 }, groups);
    const effortDraft = simulateDraft(service, effort, groups);
    const step = bucketStep(largestChange([raise, effortDraft]));
    const buckets = distribution(raise, step);
    expect(buckets.map((b) => b.count)).toEqual([0, 0, 0, 15, 2, 0, 0]);
    expect(plain(buckets[4]!.label)).toBe(`Hausse jusqu’à ${plain(bucketStepLabel(step))}`);
    expect(raise).toMatchObject({ families: 17, up: 2, down: 0, unchanged: 15 });
    expect(raise.increases[0]).toMatchObject({ currentCents: 520, draftCents: 600, changeCents: 80 });
    expect(revenueImpact(raise, 100)).toEqual({
      unitsPerFamily: 100,
      currentCents: (10 * 110 + 5 * (480 + 432) + 2 * 520) * 100,
      draftCents: (10 * 110 + 5 * (480 + 432) + 2 * 600) * 100,
      differenceCents: 2 * 80 * 100,
    });
  });
});

const bucketStepLabel = (step: number) => `${(step / 100).toFixed(2).replace(".", ",")} €`;

const ruleArb: fc.Arbitrary<PriceRule> = fc.oneof(
  fc
    .record({ a: fc.nat(2_000), b: fc.nat(2_000), noQf: fc.nat(2_000), percent: fc.integer({ min: 0, max: 50 }) })
    .map(({ a, b, noQf, percent }) => ({
      ...grid,
      brackets: [
        { label: "A", min: 0, max: 800, priceCents: a },
        { label: "B", min: 801, max: null, priceCents: b },
      ],
      noQfPriceCents: noQf,
      siblingReduction: percent ? { percent, fromChild: 2 } : null,
    })),
  fc
    .record({ rate: fc.integer({ min: 1, max: 10_000 }), floor: fc.nat(300), span: fc.nat(2_000) })
    .map(({ rate, floor, span }) => ({ ...effort, rate, floorCents: floor, ceilingCents: floor + span })),
);
const groupsArb = fc.array(
  fc.record({
    qf: fc.option(fc.nat(4_000), { nil: null }),
    children: fc.nat(5),
    count: fc.integer({ min: 1, max: 50 }),
  }),
  { maxLength: 40 },
);

describe("simulateDraft (properties)", () => {
  it("counts every family once, in the buckets as in up/down/unchanged", () => {
    fc.assert(
      fc.property(ruleArb, ruleArb, groupsArb, fc.boolean(), (current, draft, groups, perChild) => {
        const simulation = simulateDraft({ perChild, current }, draft, groups);
        const families = groups.reduce((sum, g) => sum + g.count, 0);
        expect(simulation.families).toBe(families);
        expect(simulation.up + simulation.down + simulation.unchanged).toBe(families);
        const buckets = distribution(simulation, bucketStep(largestChange([simulation])));
        expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(families);
        expect(buckets.filter((b) => b.direction === "up").reduce((sum, b) => sum + b.count, 0)).toBe(simulation.up);
        expect(buckets.find((b) => b.direction === "same")!.count).toBe(simulation.unchanged);
      }),
    );
  });

  it("makes the revenue difference the sum of the families' changes times the units", () => {
    fc.assert(
      fc.property(ruleArb, ruleArb, groupsArb, fc.nat(400), (current, draft, groups, units) => {
        const simulation = simulateDraft({ perChild: true, current }, draft, groups);
        const perFamily = groups.reduce(
          (sum, g) => sum + g.count * (familyUnitCents(draft, true, g) - familyUnitCents(current, true, g)) * units,
          0,
        );
        const revenue = revenueImpact(simulation, units);
        expect(revenue.differenceCents).toBe(perFamily);
        expect(revenue.draftCents - revenue.currentCents).toBe(revenue.differenceCents);
      }),
    );
  });

  it("changes nothing when the draft is the rule in force, and lists increases largest first", () => {
    fc.assert(
      fc.property(ruleArb, ruleArb, groupsArb, (current, draft, groups) => {
        expect(simulateDraft({ perChild: true, current }, current, groups).up).toBe(0);
        const { increases } = simulateDraft({ perChild: false, current }, draft, groups);
        for (let i = 1; i < increases.length; i++)
          expect(increases[i - 1]!.changeCents).toBeGreaterThanOrEqual(increases[i]!.changeCents);
        expect(increases.every((c) => c.changeCents > 0)).toBe(true);
      }),
    );
  });
});
