/*
 * Who pays more and who pays less for a service once the QFs changed: counts, totals and the
 * largest changes each way, tallied one family at a time so a report can stream its rows through
 * it (no list of every family kept, only the `limit` largest each way).
 */

export interface FamilyPriceChange<F> {
  family: F;
  beforeCents: number;
  afterCents: number;
  /** afterCents − beforeCents: positive when the price goes up. */
  deltaCents: number;
}

export interface PriceChangeSide<F> {
  families: number;
  /** Sum of the changes' sizes (always positive), per unit of the service. */
  totalCents: number;
  /** Largest changes first (ties in the order the families came). */
  largest: FamilyPriceChange<F>[];
}

export interface PriceChangeSummary<F> {
  up: PriceChangeSide<F>;
  down: PriceChangeSide<F>;
  /** Families whose QF changed but whose price did not. */
  unchanged: number;
}

export interface PriceChangeTally<F> {
  add(family: F, beforeCents: number, afterCents: number): void;
  summary(): PriceChangeSummary<F>;
}

function side<F>(limit: number) {
  const state: PriceChangeSide<F> = { families: 0, totalCents: 0, largest: [] };
  return {
    state,
    add(change: FamilyPriceChange<F>) {
      const size = Math.abs(change.deltaCents);
      state.families++;
      state.totalCents += size;
      if (limit === 0) return;
      const list = state.largest;
      if (list.length === limit && Math.abs(list[list.length - 1]!.deltaCents) >= size) return;
      // Insert after every change at least as large: stable, so ties keep their arrival order.
      let at = list.length;
      while (at > 0 && Math.abs(list[at - 1]!.deltaCents) < size) at--;
      list.splice(at, 0, change);
      if (list.length > limit) list.pop();
    },
  };
}

/** A tally keeping the `limit` largest changes each way. */
export function createPriceChangeTally<F>(limit: number): PriceChangeTally<F> {
  const up = side<F>(limit);
  const down = side<F>(limit);
  let unchanged = 0;
  return {
    add(family, beforeCents, afterCents) {
      const deltaCents = afterCents - beforeCents;
      if (deltaCents === 0) unchanged++;
      else (deltaCents > 0 ? up : down).add({ family, beforeCents, afterCents, deltaCents });
    },
    summary: () => ({ up: up.state, down: down.state, unchanged }),
  };
}

/** The tally of a whole list at once. */
export function summarizePriceChanges<F>(
  rows: Iterable<{ family: F; beforeCents: number; afterCents: number }>,
  limit: number,
): PriceChangeSummary<F> {
  const tally = createPriceChangeTally<F>(limit);
  for (const row of rows) tally.add(row.family, row.beforeCents, row.afterCents);
  return tally.summary();
}
