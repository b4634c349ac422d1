import { formatCents } from "./money";
import { computePrice } from "./price";
import type { PriceRule } from "./rules";

/*
 * « Simuler » a draft before the council votes it: every current family priced under the
 * tariff in force today and under the draft, with the same QF and the same sibling reduction
 * as the family file. Families that share a QF and a number of children pay the same, so the
 * input is those groups with their size (one SQL `group by`), not one row per family.
 */

/** Families with the same QF (null: unknown) and number of children. */
export interface FamilyGroup {
  qf: number | null;
  children: number;
  count: number;
}

export interface SimulatedService {
  perChild: boolean;
  /** The rule in force today; null when the service has none yet (every price is then new). */
  current: PriceRule | null;
}

/**
 * What one family pays per unit: for a service priced per child, the sum of its children's
 * prices (the first at full price, later ones with the sibling reduction, as on the family
 * file; at least one child); otherwise the single price. 0 without a rule.
 */
export function familyUnitCents(
  rule: PriceRule | null,
  perChild: boolean,
  family: { qf: number | null; children: number },
): number {
  if (!rule) return 0;
  if (!perChild) return computePrice(rule, family.qf).cents;
  const children = Math.max(1, family.children);
  let total = 0;
  for (let rank = 1; rank <= children; rank++) total += computePrice(rule, family.qf, rank).cents;
  return total;
}

export interface ChangeBucket {
  key: string;
  /** « Hausse de 0,20 € à 0,50 € » */
  label: string;
  direction: "down" | "same" | "up";
  count: number;
}

const NICE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000];

/**
 * The width of a bucket, in cents: the smallest "nice" amount (0,01 €, 0,02 €, 0,05 €, 0,10 €…)
 * such that three buckets on each side hold the largest change; derived from the data so a
 * meal's few cents and a month of day-care's tens of euros both spread over the chart.
 */
export function bucketStep(maxAbsChangeCents: number): number {
  for (const step of NICE_STEPS) if (3 * step >= maxAbsChangeCents) return step;
  return Math.ceil(maxAbsChangeCents / 3 / 100_000) * 100_000;
}

/** The bucket of a change: -3..-1 for decreases, 0 unchanged, 1..3 for increases (3 = beyond 2 steps). */
export function bucketIndex(changeCents: number, step: number): number {
  if (changeCents === 0) return 0;
  const band = Math.min(3, Math.ceil(Math.abs(changeCents) / step));
  return changeCents > 0 ? band : -band;
}

/** The seven buckets, largest decrease first, with French labels. */
export function bucketLabels(step: number): Omit<ChangeBucket, "count">[] {
  const amount = (n: number) => formatCents(n * step);
  const range = (band: number) =>
    band === 1
      ? `jusqu’à ${amount(1)}`
      : band === 2
        ? `de plus de ${amount(1)} à ${amount(2)}`
        : `plus de ${amount(2)}`;
  return [-3, -2, -1, 0, 1, 2, 3].map((index) => ({
    key: index < 0 ? `baisse-${-index}` : index > 0 ? `hausse-${index}` : "inchange",
    label: index === 0 ? "Inchangé" : `${index < 0 ? "Baisse" : "Hausse"} ${range(Math.abs(index))}`,
    direction: index < 0 ? "down" : index > 0 ? "up" : "same",
  }));
}

/** One group's prices per unit under the tariff in force and under a draft. */
export interface GroupChange {
  group: FamilyGroup;
  currentCents: number;
  draftCents: number;
  changeCents: number;
}

export interface DraftSimulation {
  families: number;
  up: number;
  down: number;
  unchanged: number;
  /** Sum over families of what each pays per unit, today and under the draft. */
  currentUnitTotalCents: number;
  draftUnitTotalCents: number;
  /** Groups with an increase, largest first (ties: lower QF first); families are picked from them. */
  increases: GroupChange[];
  changes: GroupChange[];
}

/** Prices every group under the rule in force and under the draft. */
export function simulateDraft(
  service: SimulatedService,
  draft: PriceRule,
  groups: Iterable<FamilyGroup>,
): DraftSimulation {
  const result: DraftSimulation = {
    families: 0,
    up: 0,
    down: 0,
    unchanged: 0,
    currentUnitTotalCents: 0,
    draftUnitTotalCents: 0,
    increases: [],
    changes: [],
  };
  for (const group of groups) {
    if (group.count <= 0) continue;
    const currentCents = familyUnitCents(service.current, service.perChild, group);
    const draftCents = familyUnitCents(draft, service.perChild, group);
    const change: GroupChange = { group, currentCents, draftCents, changeCents: draftCents - currentCents };
    result.changes.push(change);
    result.families += group.count;
    result.currentUnitTotalCents += currentCents * group.count;
    result.draftUnitTotalCents += draftCents * group.count;
    if (change.changeCents > 0) result.up += group.count;
    else if (change.changeCents < 0) result.down += group.count;
    else result.unchanged += group.count;
  }
  result.increases = result.changes
    .filter((c) => c.changeCents > 0)
    .sort((a, b) => b.changeCents - a.changeCents || (a.group.qf ?? Infinity) - (b.group.qf ?? Infinity));
  return result;
}

/** The largest change, up or down, over several simulations (to share one set of buckets). */
export function largestChange(simulations: readonly DraftSimulation[]): number {
  let max = 0;
  for (const simulation of simulations)
    for (const change of simulation.changes) max = Math.max(max, Math.abs(change.changeCents));
  return max;
}

/** How many families fall in each bucket of `step` cents. */
export function distribution(simulation: DraftSimulation, step: number): ChangeBucket[] {
  const counts = new Map<number, number>();
  for (const change of simulation.changes) {
    const index = bucketIndex(change.changeCents, step);
    counts.set(index, (counts.get(index) ?? 0) + change.group.count);
  }
  return bucketLabels(step).map((bucket, i) => ({ ...bucket, count: counts.get(i - 3) ?? 0 }));
}

export interface RevenueImpact {
  unitsPerFamily: number;
  currentCents: number;
  draftCents: number;
  differenceCents: number;
}

/** Yearly revenue if every family buys `units` units a year, today's tariff against the draft. */
export function revenueImpact(simulation: DraftSimulation, units: number): RevenueImpact {
  const currentCents = simulation.currentUnitTotalCents * units;
  const draftCents = simulation.draftUnitTotalCents * units;
  return { unitsPerFamily: units, currentCents, draftCents, differenceCents: draftCents - currentCents };
}
