import { formatCents, formatQfEuros, formatRate } from "./money";
import type { PriceRule } from "./rules";

/** The rule in one French sentence, as the council voted it (lists, public page, simulation). */
export function describeRule(rule: PriceRule): string {
  const parts: string[] = [];
  switch (rule.kind) {
    case "grid":
      parts.push(rule.brackets.map((b) => `${b.label} : ${formatCents(b.priceCents)}`).join(" ; "));
      break;
    case "effort":
      parts.push(
        `${formatRate(rule.rate)} du QF, entre ${formatCents(rule.floorCents)} et ${formatCents(rule.ceilingCents)}`,
      );
      break;
    case "linear":
      parts.push(
        `de ${formatCents(rule.price1Cents)} (QF ${formatQfEuros(rule.qf1)}) à ${formatCents(rule.price2Cents)} (QF ${formatQfEuros(rule.qf2)}), en ligne droite entre les deux`,
      );
      break;
  }
  parts.push(`sans QF connu : ${formatCents(rule.noQfPriceCents)}`);
  if (rule.roundingCents !== 1) parts.push(`arrondi à ${rule.roundingCents} centimes`);
  if (rule.siblingReduction) {
    const { percent, fromChild } = rule.siblingReduction;
    parts.push(`−${percent} % à partir du ${fromChild === 1 ? "1er" : `${fromChild}e`} enfant`);
  }
  return parts.join(" ; ");
}
