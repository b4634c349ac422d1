import { priceCents } from "./price";
import type { PriceRule } from "./rules";

/** QF values from `min` to `max` included; `max` null: and every QF above. */
export interface QfInterval {
  min: number;
  max: number | null;
}

/** The QFs whose first-child price falls in a range: intervals in increasing order, and the unknown QF. */
export interface QfSet {
  intervals: QfInterval[];
  unknownQf: boolean;
}

/**
 * Which QFs a price range selects under a rule ("cantine entre 2 et 4 €" = QF 0 to 612 and
 * 1 001 to 1 400, say). A price depends on the QF alone, so a filter on prices is a filter on
 * QFs, and the database answers it from the QF index of the commune instead of pricing each of
 * its families (issue 20: 145 ms at 250,000 files). Exact by construction: a grid's price is
 * constant between the bounds of its brackets; an effort rate's price is monotonic in the QF up
 * to a known QF and flat after it; a line's is flat before and after its two points and
 * monotonic between them. The ends of each monotonic piece's interval are found by bisection on
 * priceCents itself (computePrice's arithmetic), and the pieces' intervals merged.
 */
export function qfSetForPriceRange(rule: PriceRule, minCents: number | null, maxCents: number | null): QfSet {
  const inRange = (cents: number) =>
    (minCents === null || cents >= minCents) && (maxCents === null || cents <= maxCents);
  const price = (qf: number) => priceCents(rule, qf);
  const unknownQf = inRange(priceCents(rule, null));
  if (rule.kind === "grid") {
    // Segments between consecutive bracket bounds all have one price (the first bracket holding
    // them, or the no-QF price in a gap): the segment's first QF tells it.
    const starts = [
      ...new Set([0, ...rule.brackets.flatMap((b) => (b.max === null ? [b.min] : [b.min, b.max + 1]))]),
    ].sort((a, b) => a - b);
    const segments = starts.map((start, i) => ({
      min: start,
      max: i + 1 < starts.length ? starts[i + 1]! - 1 : null,
    }));
    return { intervals: merge(segments.filter((segment) => inRange(price(segment.min)))), unknownQf };
  }
  // Pieces of the QF axis on which the price is monotonic; the last is flat to the end. A line's
  // ends are kept apart: rounding its inside to 5 or 10 cents can step past an end's exact price.
  const flatFrom = rule.kind === "effort" ? effortFlatFrom(rule.rate, rule.ceilingCents) : 0;
  const pieces: QfInterval[] =
    rule.kind === "effort"
      ? [
          { min: 0, max: flatFrom - 1 },
          { min: flatFrom, max: null },
        ]
      : [
          { min: 0, max: Math.min(rule.qf1, rule.qf2) },
          { min: Math.min(rule.qf1, rule.qf2) + 1, max: Math.max(rule.qf1, rule.qf2) - 1 },
          { min: Math.max(rule.qf1, rule.qf2), max: null },
        ];
  const intervals = pieces.flatMap((piece) => {
    if (piece.max === null) return inRange(price(piece.min)) ? [piece] : [];
    const found = intervalOnMonotonicPiece(price, minCents, maxCents, piece.min, piece.max);
    return found ? [found] : [];
  });
  return { intervals: merge(intervals), unknownQf };
}

/**
 * On [from, to] where `price` only rises or only falls: the QFs whose price is in the range, one
 * interval or none. Its ends are found by bisection (the first QF where a test turns true).
 */
function intervalOnMonotonicPiece(
  price: (qf: number) => number,
  minCents: number | null,
  maxCents: number | null,
  from: number,
  to: number,
): QfInterval | null {
  if (from > to) return null;
  // The first QF of [from, to] where `test` holds, `test` being false then true (to + 1: never).
  const firstWhere = (test: (qf: number) => boolean) => {
    let low = from;
    let high = to + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (test(middle)) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  // Along a rising price, "≥ min" starts somewhere and lasts, "≤ max" lasts up to somewhere.
  const rising = price(to) >= price(from);
  const [first, last] = rising
    ? [
        minCents === null ? from : firstWhere((qf) => price(qf) >= minCents),
        maxCents === null ? to : firstWhere((qf) => price(qf) > maxCents) - 1,
      ]
    : [
        maxCents === null ? from : firstWhere((qf) => price(qf) <= maxCents),
        minCents === null ? to : firstWhere((qf) => price(qf) < minCents) - 1,
      ];
  return first <= last ? { min: first, max: last } : null;
}

/**
 * A QF past which an effort rate's price stays at its ceiling: qf × rate ≥ (ceiling + 10) × 10 000
 * puts the product, rounded by at most half a step of 10 cents, above the ceiling.
 */
function effortFlatFrom(rate: number, ceilingCents: number): number {
  return Math.ceil(((ceilingCents + 10) * 10_000) / rate);
}

/** Adjacent or overlapping intervals (in increasing order) as one. */
function merge(intervals: QfInterval[]): QfInterval[] {
  const merged: QfInterval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && last.max !== null && interval.min <= last.max + 1) {
      last.max = interval.max === null ? null : Math.max(last.max, interval.max);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}
