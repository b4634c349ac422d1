import { formatCents } from "./money";
import { computePrice } from "./price";
import { UNIT_LABELS, type PriceRule, type ServiceUnit } from "./rules";
import { versionInForce, type TariffVersionLike } from "./versions";

export interface PricedService {
  name: string;
  unit: ServiceUnit;
  perChild: boolean;
  versions: readonly (TariffVersionLike & { rule: PriceRule })[];
}

export interface FamilyPrice {
  service: string;
  /** "par repas" */
  per: string;
  price: string;
  explanation: string;
  /** Later children, when a sibling reduction applies to this family: "2e enfant : 3,42 €". */
  siblings: { label: string; price: string; explanation: string }[];
  /** The price under the family's previous QF, when it differs. */
  previous: { price: string; explanation: string } | null;
}

/**
 * The prices a family pays on `day`, service by service, with the rule explained; only services
 * with a published version in force are listed. `previousQf` is the QF before the latest change.
 */
export function familyPrices(
  services: readonly PricedService[],
  input: { qf: number | null; previousQf?: number | null; children: number; day: string },
): FamilyPrice[] {
  return services.flatMap((service) => {
    const version = versionInForce(service.versions, input.day);
    if (!version) return [];
    const current = computePrice(version.rule, input.qf);
    const reduction = version.rule.siblingReduction;
    const siblings =
      service.perChild && reduction && input.children >= reduction.fromChild
        ? Array.from({ length: input.children - reduction.fromChild + 1 }, (_, i) => {
            const rank = reduction.fromChild + i;
            const price = computePrice(version.rule, input.qf, rank);
            return { label: `${rank}e enfant`, price: formatCents(price.cents), explanation: price.explanation };
          })
        : [];
    const before =
      input.previousQf !== undefined && input.previousQf !== input.qf
        ? computePrice(version.rule, input.previousQf)
        : null;
    return [
      {
        service: service.name,
        per: UNIT_LABELS[service.unit].per,
        price: formatCents(current.cents),
        explanation: current.explanation,
        siblings,
        previous:
          before && before.cents !== current.cents
            ? { price: formatCents(before.cents), explanation: before.explanation }
            : null,
      },
    ];
  });
}
