import { formatCents, formatQfEuros, formatRate, roundCents } from "./money";
import type { PriceRule } from "./rules";

export interface Price {
  cents: number;
  /** One line of French an agent or a family can check by hand. */
  explanation: string;
}

/**
 * The price of one unit for a family's QF (null when unknown), for its `childRank`-th child
 * (1 = the first; only matters when the rule has a sibling reduction). Pure and exact: every
 * intermediate value is whole cents and each division is rounded once, half up.
 */
export function computePrice(rule: PriceRule, qf: number | null, childRank = 1): Price {
  const base = basePrice(rule, qf);
  const reduction = rule.siblingReduction;
  if (!reduction || childRank < reduction.fromChild || reduction.percent === 0) return base;
  const cents = roundCents(base.cents * (100 - reduction.percent), 100, rule.roundingCents);
  return {
    cents,
    explanation: `${base.explanation} ; −${reduction.percent} % à partir du ${ordinal(reduction.fromChild)} enfant : ${formatCents(cents)}`,
  };
}

function basePrice(rule: PriceRule, qf: number | null): Price {
  if (qf === null)
    return { cents: rule.noQfPriceCents, explanation: `Sans QF connu : ${formatCents(rule.noQfPriceCents)}` };
  const step = rule.roundingCents;
  const rounded = step === 1 ? "" : ` (arrondi à ${step} centimes)`;
  switch (rule.kind) {
    case "grid": {
      const bracket = rule.brackets.find((b) => qf >= b.min && (b.max === null || qf <= b.max));
      if (!bracket) {
        return {
          cents: rule.noQfPriceCents,
          explanation: `QF hors des tranches : ${formatCents(rule.noQfPriceCents)}`,
        };
      }
      const range =
        bracket.max === null
          ? `QF ${formatQfEuros(bracket.min)} et plus`
          : `QF ${formatQfEuros(bracket.min)} à ${formatQfEuros(bracket.max)}`;
      return {
        cents: bracket.priceCents,
        explanation: `${bracket.label} (${range}) : ${formatCents(bracket.priceCents)}`,
      };
    }
    case "effort": {
      // QF € × rate/10 000 % = QF × rate / 10 000 cents.
      const raw = roundCents(qf * rule.rate, 10_000, step);
      const product = `${formatRate(rule.rate)} × ${formatQfEuros(qf)} = ${formatCents(raw)}${rounded}`;
      if (raw > rule.ceilingCents) {
        return { cents: rule.ceilingCents, explanation: `${product}, plafonné à ${formatCents(rule.ceilingCents)}` };
      }
      if (raw < rule.floorCents) {
        return {
          cents: rule.floorCents,
          explanation: `${product}, porté au plancher de ${formatCents(rule.floorCents)}`,
        };
      }
      return { cents: raw, explanation: product };
    }
    case "linear": {
      const [low, high] =
        rule.qf1 <= rule.qf2
          ? [
              { qf: rule.qf1, cents: rule.price1Cents },
              { qf: rule.qf2, cents: rule.price2Cents },
            ]
          : [
              { qf: rule.qf2, cents: rule.price2Cents },
              { qf: rule.qf1, cents: rule.price1Cents },
            ];
      if (qf <= low.qf) {
        return {
          cents: low.cents,
          explanation: `QF ${formatQfEuros(qf)}, jusqu’à ${formatQfEuros(low.qf)} : ${formatCents(low.cents)}`,
        };
      }
      if (qf >= high.qf) {
        return {
          cents: high.cents,
          explanation: `QF ${formatQfEuros(qf)}, à partir de ${formatQfEuros(high.qf)} : ${formatCents(high.cents)}`,
        };
      }
      const cents = roundCents(
        low.cents * (high.qf - low.qf) + (high.cents - low.cents) * (qf - low.qf),
        high.qf - low.qf,
        step,
      );
      return {
        cents,
        explanation: `QF ${formatQfEuros(qf)} entre ${formatQfEuros(low.qf)} (${formatCents(low.cents)}) et ${formatQfEuros(high.qf)} (${formatCents(high.cents)}) : ${formatCents(cents)}${rounded}`,
      };
    }
  }
}

const ordinal = (rank: number) => (rank === 1 ? "1er" : `${rank}e`);

/** The prices a family pays per child: [first child, second child, …] (at least one). */
export function pricesPerChild(rule: PriceRule, qf: number | null, children: number): Price[] {
  return Array.from({ length: Math.max(1, children) }, (_, i) => computePrice(rule, qf, i + 1));
}

/**
 * computePrice(rule, qf, childRank).cents without its explanation: the same integer arithmetic
 * (property-tested against it), for streams that price every row (exports), where formatting
 * three amounts in French per row and service cost more than the export's own columns.
 */
export function priceCents(rule: PriceRule, qf: number | null, childRank = 1): number {
  const base = basePriceCents(rule, qf);
  const reduction = rule.siblingReduction;
  if (!reduction || childRank < reduction.fromChild || reduction.percent === 0) return base;
  return roundCents(base * (100 - reduction.percent), 100, rule.roundingCents);
}

function basePriceCents(rule: PriceRule, qf: number | null): number {
  if (qf === null) return rule.noQfPriceCents;
  switch (rule.kind) {
    case "grid": {
      const bracket = rule.brackets.find((b) => qf >= b.min && (b.max === null || qf <= b.max));
      return bracket ? bracket.priceCents : rule.noQfPriceCents;
    }
    case "effort": {
      const raw = roundCents(qf * rule.rate, 10_000, rule.roundingCents);
      if (raw > rule.ceilingCents) return rule.ceilingCents;
      if (raw < rule.floorCents) return rule.floorCents;
      return raw;
    }
    case "linear": {
      const [lowQf, lowCents, highQf, highCents] =
        rule.qf1 <= rule.qf2
          ? [rule.qf1, rule.price1Cents, rule.qf2, rule.price2Cents]
          : [rule.qf2, rule.price2Cents, rule.qf1, rule.price1Cents];
      if (qf <= lowQf) return lowCents;
      if (qf >= highQf) return highCents;
      return roundCents(
        lowCents * (highQf - lowQf) + (highCents - lowCents) * (qf - lowQf),
        highQf - lowQf,
        rule.roundingCents,
      );
    }
  }
}
