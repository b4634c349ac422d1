/*
 * The commune's tariff rules, as data. Not a .server module: the family file, the citizen's
 * pages and the administrator's form all compute and explain prices with the same code.
 */

export const SERVICE_UNITS = ["repas", "heure", "journee", "demi_journee", "mois"] as const;
export type ServiceUnit = (typeof SERVICE_UNITS)[number];

/** "par repas": how a price reads after its amount. */
export const UNIT_LABELS: Record<ServiceUnit, { noun: string; per: string }> = {
  repas: { noun: "Repas", per: "par repas" },
  heure: { noun: "Heure", per: "par heure" },
  journee: { noun: "Journée", per: "par journée" },
  demi_journee: { noun: "Demi-journée", per: "par demi-journée" },
  mois: { noun: "Mois", per: "par mois" },
};

/** One price per bracket; the bracket's bounds are copied so a published grid never changes. */
export interface GridBracketPrice {
  label: string;
  min: number;
  max: number | null;
  priceCents: number;
}

export interface GridRule {
  kind: "grid";
  brackets: GridBracketPrice[];
}

/** price = QF × rate, clamped; the rate in ten-thousandths of a percent (0,0619 % = 619). */
export interface EffortRule {
  kind: "effort";
  rate: number;
  floorCents: number;
  ceilingCents: number;
}

/** A straight line from (qf1, price1) to (qf2, price2), flat outside them. */
export interface LinearRule {
  kind: "linear";
  qf1: number;
  price1Cents: number;
  qf2: number;
  price2Cents: number;
}

export interface SiblingReduction {
  /** Whole percent taken off, e.g. 10. */
  percent: number;
  /** The rank of the first child it applies to, e.g. 2 for "from the second child". */
  fromChild: number;
}

export type RoundingStep = 1 | 5 | 10;
export const ROUNDING_STEPS: readonly RoundingStep[] = [1, 5, 10];

export type PriceRule = (GridRule | EffortRule | LinearRule) & {
  /** Applied when the family's QF is unknown (usually the highest price). */
  noQfPriceCents: number;
  /** Rounding of a computed price, halves up: 1 = to the cent. */
  roundingCents: RoundingStep;
  /** Only for services priced per child. */
  siblingReduction: SiblingReduction | null;
};

export type RuleKind = PriceRule["kind"];

export const RULE_KIND_LABELS: Record<RuleKind, string> = {
  grid: "Grille par tranche de QF",
  effort: "Taux d’effort",
  linear: "Tarif linéaire entre deux points",
};
