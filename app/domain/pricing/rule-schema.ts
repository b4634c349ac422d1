import { z } from "zod";
import { ROUNDING_STEPS, type PriceRule } from "./rules";

/*
 * The stored shape of a rule (jsonb), checked on the way in and on the way out: a rule that
 * does not parse is never priced with. The form in app/portal/tariffs turns typed text into
 * this shape and reports the same invariants against its fields.
 */

const cents = z.number().int().min(0).max(100_000_000);
const qf = z.number().int().min(0).max(1_000_000);

const common = {
  noQfPriceCents: cents,
  roundingCents: z.union(
    ROUNDING_STEPS.map((step) => z.literal(step)) as [z.ZodLiteral<1>, z.ZodLiteral<5>, z.ZodLiteral<10>],
  ),
  siblingReduction: z
    .object({ percent: z.number().int().min(1).max(100), fromChild: z.number().int().min(2).max(10) })
    .nullable(),
};

export const priceRuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("grid"),
    brackets: z
      .array(z.object({ label: z.string().min(1).max(40), min: qf, max: qf.nullable(), priceCents: cents }))
      .min(1),
    ...common,
  }),
  z
    .object({
      kind: z.literal("effort"),
      rate: z.number().int().min(1).max(1_000_000),
      floorCents: cents,
      ceilingCents: cents,
      ...common,
    })
    .refine((rule) => rule.floorCents <= rule.ceilingCents, { path: ["floorCents"] }),
  z
    .object({ kind: z.literal("linear"), qf1: qf, price1Cents: cents, qf2: qf, price2Cents: cents, ...common })
    .refine((rule) => rule.qf1 !== rule.qf2, { path: ["qf2"] }),
]);

/** A stored rule, or null when it does not parse (never priced with). */
export function parsePriceRule(value: unknown): PriceRule | null {
  const parsed = priceRuleSchema.safeParse(value);
  return parsed.success ? (parsed.data as PriceRule) : null;
}
