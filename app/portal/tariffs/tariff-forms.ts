import { z } from "zod";
import { checkbox, oneOf, optionalText, requiredText } from "~/forms/fields";
import { parseEurosToCents, parsePercentToRate } from "~/domain/pricing/money";
import { SERVICE_UNITS, type PriceRule, type RoundingStep } from "~/domain/pricing/rules";
import type { TariffBracket } from "~/portal/settings/tariff-brackets";

/*
 * The administrator's tariff forms. Not a .server module: the page renders the field names.
 * Amounts are typed in euros (« 4,52 ») and kept in cents; every message is French and tied to
 * the field it is about, so nothing invalid reaches the database.
 */

export const serviceFormSchema = z.object({
  name: requiredText("Donnez un nom au service (par exemple « Restauration scolaire »).", 80),
  unit: oneOf(SERVICE_UNITS, "Choisissez l’unité facturée (repas, heure, journée, demi-journée ou mois)."),
  perChild: checkbox(),
  expectedUnitsPerYear: optionalText(
    7,
    "Indiquez un nombre entier d’unités par an (par exemple 140), ou laissez vide.",
  ).pipe(
    z
      .string()
      .regex(/^\d{0,6}$/, "Indiquez un nombre entier d’unités par an (par exemple 140), ou laissez vide.")
      .transform((value) => (value === "" ? null : Number(value))),
  ),
});

export type ServiceForm = z.output<typeof serviceFormSchema>;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export const startDateSchema = requiredText("Indiquez la date d’entrée en vigueur.", 10).refine(isCalendarDate, {
  message: "Indiquez une date valide, au format jj/mm/aaaa (par exemple 01/09/2027).",
});

export const RULE_KINDS = ["grid", "effort", "linear"] as const;

/** Field names of a grid's price for the bracket at `index`. */
export const gridPriceField = (index: number) => `price-${index}`;

type Ctx = z.core.$RefinementCtx;

const money = (ctx: Ctx, value: unknown, field: string, what: string): number | null => {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") {
    ctx.addIssue({ code: "custom", path: [field], message: `Indiquez ${what} en euros (par exemple 4,52).` });
    return null;
  }
  if (text.startsWith("-")) {
    ctx.addIssue({ code: "custom", path: [field], message: `Un prix ne peut pas être négatif : corrigez ${what}.` });
    return null;
  }
  const cents = parseEurosToCents(text);
  if (cents === null) {
    ctx.addIssue({
      code: "custom",
      path: [field],
      message: `Indiquez ${what} en euros, avec au plus deux décimales (par exemple 4,52).`,
    });
  }
  return cents;
};

const wholeNumber = (ctx: Ctx, value: unknown, field: string, message: string): number | null => {
  const text = typeof value === "string" ? value.trim().replace(/[\s\u00a0\u202f€]/g, "") : "";
  if (!/^\d{1,7}$/.test(text)) {
    ctx.addIssue({ code: "custom", path: [field], message });
    return null;
  }
  return Number(text);
};

/**
 * The rule form for a service, against the commune's current brackets (a grid needs a price for
 * each of them). Outputs the rule in the shape app/domain/pricing stores and prices with.
 */
export function ruleFormSchema(brackets: readonly TariffBracket[], perChild: boolean) {
  return z.record(z.string(), z.unknown()).transform((form, ctx): { validFrom: string; rule: PriceRule } => {
    const validFrom = startDateSchema.safeParse(form.validFrom);
    if (!validFrom.success) {
      ctx.addIssue({ code: "custom", path: ["validFrom"], message: validFrom.error.issues[0]!.message });
    }
    const kind = oneOf(RULE_KINDS, "Choisissez le type de règle.").safeParse(form.kind);
    if (!kind.success) ctx.addIssue({ code: "custom", path: ["kind"], message: "Choisissez le type de règle." });
    const noQfPriceCents = money(ctx, form.noQfPrice, "noQfPrice", "le prix appliqué sans QF connu");
    const rounding = Number(form.rounding ?? "1");
    const roundingCents: RoundingStep = rounding === 5 || rounding === 10 ? rounding : 1;

    let siblingReduction: PriceRule["siblingReduction"] = null;
    const percentText = typeof form.reductionPercent === "string" ? form.reductionPercent.trim() : "";
    if (perChild && percentText !== "") {
      const percent = wholeNumber(ctx, percentText, "reductionPercent", "Indiquez un pourcentage entier de 1 à 100.");
      const fromChild = wholeNumber(
        ctx,
        form.reductionFromChild ?? "2",
        "reductionFromChild",
        "Indiquez à partir de quel enfant la réduction s’applique (2 pour le deuxième).",
      );
      if (percent !== null && (percent < 1 || percent > 100)) {
        ctx.addIssue({ code: "custom", path: ["reductionPercent"], message: "La réduction va de 1 % à 100 %." });
      } else if (fromChild !== null && (fromChild < 2 || fromChild > 10)) {
        ctx.addIssue({
          code: "custom",
          path: ["reductionFromChild"],
          message: "La réduction s’applique à partir du 2e enfant au plus tôt, du 10e au plus tard.",
        });
      } else if (percent !== null && fromChild !== null) {
        siblingReduction = { percent, fromChild };
      }
    }

    let rule: PriceRule | null = null;
    const common = { noQfPriceCents: noQfPriceCents ?? 0, roundingCents, siblingReduction };
    if (kind.success && kind.data === "grid") {
      if (brackets.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["kind"],
          message: "La commune n’a pas encore de tranches de QF : définissez-les avant une grille par tranche.",
        });
      }
      const prices = brackets.map((bracket, i) =>
        money(ctx, form[gridPriceField(i)], gridPriceField(i), `le prix de la ${bracket.label}`),
      );
      if (prices.every((p) => p !== null) && brackets.length > 0) {
        rule = {
          kind: "grid",
          brackets: brackets.map((b, i) => ({ label: b.label, min: b.min, max: b.max, priceCents: prices[i]! })),
          ...common,
        };
      }
    } else if (kind.success && kind.data === "effort") {
      const rateText = typeof form.rate === "string" ? form.rate.trim() : "";
      const rate = parsePercentToRate(rateText);
      if (rate === null) {
        ctx.addIssue({
          code: "custom",
          path: ["rate"],
          message: "Indiquez le taux d’effort en pourcentage, avec au plus quatre décimales (par exemple 0,32).",
        });
      } else if (rate === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["rate"],
          message: "Un taux d’effort de 0 % donnerait un prix nul : indiquez un taux.",
        });
      }
      const floorCents = money(ctx, form.floor, "floor", "le prix plancher");
      const ceilingCents = money(ctx, form.ceiling, "ceiling", "le prix plafond");
      if (floorCents !== null && ceilingCents !== null && floorCents > ceilingCents) {
        ctx.addIssue({
          code: "custom",
          path: ["floor"],
          message: "Le plancher doit être inférieur ou égal au plafond.",
        });
      } else if (rate && floorCents !== null && ceilingCents !== null) {
        rule = { kind: "effort", rate, floorCents, ceilingCents, ...common };
      }
    } else if (kind.success && kind.data === "linear") {
      const qfMessage = "Indiquez un QF entier en euros (par exemple 500).";
      const qf1 = wholeNumber(ctx, form.qf1, "qf1", qfMessage);
      const price1Cents = money(ctx, form.price1, "price1", "le prix au premier point");
      const qf2 = wholeNumber(ctx, form.qf2, "qf2", qfMessage);
      const price2Cents = money(ctx, form.price2, "price2", "le prix au second point");
      if (qf1 !== null && qf2 !== null && qf1 >= qf2) {
        ctx.addIssue({
          code: "custom",
          path: ["qf2"],
          message: "Le QF du second point doit être supérieur à celui du premier.",
        });
      } else if (qf1 !== null && qf2 !== null && price1Cents !== null && price2Cents !== null) {
        rule = { kind: "linear", qf1, price1Cents, qf2, price2Cents, ...common };
      }
    }
    if (!rule || noQfPriceCents === null || !validFrom.success) return z.NEVER;
    return { validFrom: validFrom.data, rule };
  });
}
