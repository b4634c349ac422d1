import { describe, expect, it } from "vitest";
import type { PriceRule } from "./rules";
import { familyPrices, type PricedService } from "./family-prices";

const plain = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/[\u00a0\u202f]/g, " ")) as unknown;
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
const services: PricedService[] = [
  {
    name: "Restauration scolaire",
    unit: "repas",
    perChild: true,
    versions: [
      { status: "published", validFrom: "2025-09-01", rule: grid },
      { status: "draft", validFrom: "2026-09-01", rule: { ...grid, noQfPriceCents: 9999 } },
    ],
  },
  {
    name: "Pas encore",
    unit: "heure",
    perChild: false,
    versions: [{ status: "published", validFrom: "2030-01-01", rule: grid }],
  },
];

describe("familyPrices", () => {
  it("prices each service in force, its later children and the previous QF", () => {
    expect(plain(familyPrices(services, { qf: 700, previousQf: 500, children: 3, day: "2026-12-01" }))).toEqual([
      {
        service: "Restauration scolaire",
        per: "par repas",
        price: "4,80 €",
        explanation: "Tranche B (QF 601 € et plus) : 4,80 €",
        siblings: [
          {
            label: "2e enfant",
            price: "4,32 €",
            explanation: "Tranche B (QF 601 € et plus) : 4,80 € ; −10 % à partir du 2e enfant : 4,32 €",
          },
          {
            label: "3e enfant",
            price: "4,32 €",
            explanation: "Tranche B (QF 601 € et plus) : 4,80 € ; −10 % à partir du 2e enfant : 4,32 €",
          },
        ],
        previous: { price: "1,10 €", explanation: "Tranche A (QF 0 € à 600 €) : 1,10 €" },
      },
    ]);
    // Same bracket under the previous QF: nothing to compare; no QF: the price without QF.
    expect(
      familyPrices(services, { qf: 700, previousQf: 900, children: 1, day: "2026-12-01" })[0]!.previous,
    ).toBeNull();
    expect(familyPrices(services, { qf: null, children: 1, day: "2026-12-01" })[0]!.price.replace(/\s/g, " ")).toBe(
      "5,20 €",
    );
    expect(familyPrices(services, { qf: 700, children: 1, day: "2025-08-31" })).toEqual([]);
  });
});
