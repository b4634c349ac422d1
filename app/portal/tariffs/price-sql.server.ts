import { sql, type SQL } from "drizzle-orm";
import type { PriceRule } from "~/domain/pricing/rules";

/*
 * A published rule as one SQL expression: the price in integer cents of a QF column, exactly as
 * computePrice (app/domain/pricing/price.ts) computes it, so lists, filters and reports can price
 * every family in the query that reads them, like the bracket CASE of campaign-portal.server.ts.
 * The rule's numbers are checked whole and inlined (no parameters): the expression can be used
 * several times in one statement, and the planner sees constants.
 */

/** A whole number as a SQL literal; anything else is refused (a rule read back is parsed, but belt and braces). */
function int(value: number): SQL {
  if (!Number.isSafeInteger(value)) throw new RangeError(`price rule value is not a whole number: ${value}`);
  return sql.raw(value < 0 ? `(${value})` : String(value));
}

/** floor(n / d) for bigints with d > 0, the same as money.ts floorDiv (SQL's `/` truncates toward zero). */
const floorDiv = (n: SQL, d: number) => sql`((${n}) - (((${n}) % ${int(d)}) + ${int(d)}) % ${int(d)}) / ${int(d)}`;

/** money.ts roundCents: n / d cents rounded once to `step`, halves up. */
const roundCents = (n: SQL, d: number, step: number) =>
  sql`(${floorDiv(sql`2 * (${n}) + ${int(d * step)}`, 2 * d * step)} * ${int(step)})`;

function basePriceSql(rule: PriceRule, qf: SQL): SQL {
  const noQf = int(rule.noQfPriceCents);
  switch (rule.kind) {
    case "grid": {
      // Brackets in the rule's order: the first holding the QF wins, as `find` does.
      const arms = rule.brackets.map(
        (b) =>
          sql`when ${qf} >= ${int(b.min)}${b.max === null ? sql`` : sql` and ${qf} <= ${int(b.max)}`} then ${int(b.priceCents)}::bigint`,
      );
      return sql`(case when ${qf} is null then ${noQf}::bigint ${sql.join(arms, sql` `)} else ${noQf}::bigint end)`;
    }
    case "effort": {
      const raw = roundCents(sql`${qf}::bigint * ${int(rule.rate)}`, 10_000, rule.roundingCents);
      return sql`(case when ${qf} is null then ${noQf}::bigint
        when ${raw} > ${int(rule.ceilingCents)} then ${int(rule.ceilingCents)}::bigint
        when ${raw} < ${int(rule.floorCents)} then ${int(rule.floorCents)}::bigint
        else ${raw} end)`;
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
      const width = high.qf - low.qf;
      // Both points on one QF: nothing lies strictly between them, and no division by zero is written.
      const between =
        width === 0
          ? sql``
          : sql`else ${roundCents(
              sql`${int(low.cents * width)}::bigint + ${int(high.cents - low.cents)}::bigint * (${qf} - ${int(low.qf)})`,
              width,
              rule.roundingCents,
            )}`;
      return sql`(case when ${qf} is null then ${noQf}::bigint
        when ${qf} <= ${int(low.qf)} then ${int(low.cents)}::bigint
        when ${qf} >= ${int(high.qf)} then ${int(high.cents)}::bigint
        ${between} end)`;
    }
  }
}

/**
 * The price in cents (an SQL integer) of one unit for the QF in `qf` (NULL = unknown), for the
 * `childRank`-th child: computePrice(rule, qf, childRank).cents, row by row.
 */
export function priceSql(rule: PriceRule, qf: SQL, childRank = 1): SQL<number> {
  const base = basePriceSql(rule, qf);
  const reduction = rule.siblingReduction;
  if (!reduction || childRank < reduction.fromChild || reduction.percent === 0) return sql<number>`(${base})::int`;
  return sql<number>`(${roundCents(sql`${base} * ${int(100 - reduction.percent)}`, 100, rule.roundingCents)})::int`;
}
