import { describe, expect, it } from "vitest";
import { parseForm } from "~/forms/parse-form";
import { ruleFormSchema, serviceFormSchema } from "./tariff-forms";

const brackets = [
  { label: "Tranche A", min: 0, max: 450 },
  { label: "Tranche B", min: 451, max: null },
];
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const base = { validFrom: "2027-09-01", noQfPrice: "5,20", rounding: "1" };

describe("tariff forms", () => {
  it("reads a service", () => {
    const parsed = parseForm(
      serviceFormSchema,
      form({ name: " Restauration scolaire ", unit: "repas", perChild: "on" }),
    );
    expect(parsed).toMatchObject({
      success: true,
      data: { name: "Restauration scolaire", unit: "repas", perChild: true, expectedUnitsPerYear: null },
    });
    const bad = parseForm(serviceFormSchema, form({ name: "", unit: "semaine", expectedUnitsPerYear: "beaucoup" }));
    expect(bad.success ? {} : bad.errors).toEqual({
      name: "Donnez un nom au service (par exemple « Restauration scolaire »).",
      unit: "Choisissez l’unité facturée (repas, heure, journée, demi-journée ou mois).",
      expectedUnitsPerYear: "Indiquez un nombre entier d’unités par an (par exemple 140), ou laissez vide.",
    });
  });

  it("reads each kind of rule into cents and ten-thousandths of a percent", () => {
    const grid = parseForm(
      ruleFormSchema(brackets, true),
      form({
        ...base,
        kind: "grid",
        "price-0": "1",
        "price-1": "4,8",
        reductionPercent: "10",
        reductionFromChild: "2",
      }),
    );
    expect(grid).toMatchObject({
      success: true,
      data: {
        validFrom: "2027-09-01",
        rule: {
          kind: "grid",
          brackets: [
            { label: "Tranche A", min: 0, max: 450, priceCents: 100 },
            { label: "Tranche B", min: 451, max: null, priceCents: 480 },
          ],
          noQfPriceCents: 520,
          siblingReduction: { percent: 10, fromChild: 2 },
        },
      },
    });
    const effort = parseForm(
      ruleFormSchema([], false),
      form({ ...base, kind: "effort", rate: "0,32", floor: "0,50", ceiling: "4,20", rounding: "5" }),
    );
    expect(effort).toMatchObject({
      success: true,
      data: {
        rule: {
          kind: "effort",
          rate: 3200,
          floorCents: 50,
          ceilingCents: 420,
          roundingCents: 5,
          siblingReduction: null,
        },
      },
    });
    const linear = parseForm(
      ruleFormSchema([], false),
      form({ ...base, kind: "linear", qf1: "400", price1: "3", qf2: "1 600", price2: "18" }),
    );
    expect(linear).toMatchObject({
      success: true,
      data: { rule: { kind: "linear", qf1: 400, price1Cents: 300, qf2: 1600, price2Cents: 1800 } },
    });
  });

  it("ties each invalid value to its field, in French", () => {
    const errors = (fields: Record<string, string>, b = brackets) => {
      const parsed = parseForm(ruleFormSchema(b, true), form(fields));
      return parsed.success ? {} : parsed.errors;
    };
    expect(errors({ ...base, kind: "grid", "price-0": "1" })).toEqual({
      "price-1": "Indiquez le prix de la Tranche B en euros (par exemple 4,52).",
    });
    expect(errors({ ...base, kind: "grid" }, [])).toMatchObject({
      kind: expect.stringMatching(/pas encore de tranches/),
    });
    expect(errors({ ...base, kind: "effort", rate: "0", floor: "5", ceiling: "4" })).toEqual({
      rate: "Un taux d’effort de 0 % donnerait un prix nul : indiquez un taux.",
      floor: "Le plancher doit être inférieur ou égal au plafond.",
    });
    expect(errors({ ...base, kind: "effort", rate: "0,3", floor: "-1", ceiling: "4" })).toEqual({
      floor: "Un prix ne peut pas être négatif : corrigez le prix plancher.",
    });
    expect(errors({ ...base, kind: "linear", qf1: "900", price1: "3", qf2: "900", price2: "4" })).toEqual({
      qf2: "Le QF du second point doit être supérieur à celui du premier.",
    });
    expect(
      errors({
        ...base,
        validFrom: "2027-02-30",
        kind: "effort",
        rate: "1",
        floor: "0",
        ceiling: "1",
        reductionPercent: "120",
      }),
    ).toEqual({
      validFrom: "Indiquez une date valide, au format jj/mm/aaaa (par exemple 01/09/2027).",
      reductionPercent: "La réduction va de 1 % à 100 %.",
    });
    expect(errors({ kind: "nothing" })).toMatchObject({
      kind: "Choisissez le type de règle.",
      noQfPrice: expect.any(String),
    });
  });
});
