import { describeRule } from "~/domain/pricing/describe-rule";
import { centsToInput, rateToInput } from "~/domain/pricing/money";
import type { PriceRule } from "~/domain/pricing/rules";
import { versionInForce } from "~/domain/pricing/versions";
import { formatDay, parisToday } from "~/domain/paris-time";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";
import { loadTariffService, type TariffService } from "~/portal/tariffs/tariffs.server";
import type { Database } from "../../../db/client.ts";

/** A rule as the form's text fields (what the administrator typed, in euros and percent). */
export function ruleToValues(rule: PriceRule, validFrom: string): Record<string, string> {
  const values: Record<string, string> = {
    validFrom,
    kind: rule.kind,
    noQfPrice: centsToInput(rule.noQfPriceCents),
    rounding: String(rule.roundingCents),
    reductionPercent: rule.siblingReduction ? String(rule.siblingReduction.percent) : "",
    reductionFromChild: rule.siblingReduction ? String(rule.siblingReduction.fromChild) : "2",
  };
  if (rule.kind === "grid") rule.brackets.forEach((b, i) => (values[`price-${i}`] = centsToInput(b.priceCents)));
  if (rule.kind === "effort") {
    Object.assign(values, {
      rate: rateToInput(rule.rate),
      floor: centsToInput(rule.floorCents),
      ceiling: centsToInput(rule.ceilingCents),
    });
  }
  if (rule.kind === "linear") {
    Object.assign(values, {
      qf1: String(rule.qf1),
      price1: centsToInput(rule.price1Cents),
      qf2: String(rule.qf2),
      price2: centsToInput(rule.price2Cents),
    });
  }
  return values;
}

/** The next 1 September after today: when tariffs usually change. */
function nextSeptember(today: string): string {
  const year = Number(today.slice(0, 4));
  return today < `${year}-09-01` ? `${year}-09-01` : `${year + 1}-09-01`;
}

/**
 * The service's page: its versions (oldest first, the one in force marked) and the draft being
 * edited (`?version=`), or a new draft prefilled from the latest version.
 */
export async function loadServicePage(
  db: Database,
  collectivityId: string,
  serviceId: string,
  editVersionId: string | null,
  now = new Date(),
) {
  const service = await loadTariffService(db, collectivityId, serviceId);
  if (!service) return null;
  const brackets = await loadTariffBrackets(db, collectivityId);
  const today = parisToday(now);
  const inForce = versionInForce(service.versions, today);
  const editing = editVersionId
    ? (service.versions.find((v) => v.id === editVersionId && v.status === "draft") ?? null)
    : null;
  const latest = service.versions.at(-1);
  return {
    service: serviceFields(service),
    brackets: brackets.map((b) => ({ label: b.label, min: b.min, max: b.max })),
    versions: service.versions.map((v) => ({
      id: v.id,
      status: v.status,
      validFrom: v.validFrom,
      from: formatDay(v.validFrom),
      inForce: v.id === inForce?.id,
      past: v.status === "published" && v.validFrom < (inForce?.validFrom ?? today),
      rule: describeRule(v.rule),
    })),
    draft: {
      versionId: editing?.id ?? null,
      values: editing
        ? ruleToValues(editing.rule, editing.validFrom)
        : latest
          ? { ...ruleToValues(latest.rule, nextSeptember(today)), ...gridPricesByLabel(latest.rule, brackets) }
          : { validFrom: nextSeptember(today), kind: brackets.length > 0 ? "grid" : "effort", rounding: "1" },
    },
  };
}

/** A copied grid follows the commune's current brackets by label (they may have changed since). */
function gridPricesByLabel(rule: PriceRule, brackets: { label: string }[]): Record<string, string> {
  if (rule.kind !== "grid") return {};
  const values: Record<string, string> = {};
  brackets.forEach((bracket, i) => {
    const price = rule.brackets.find((b) => b.label === bracket.label);
    values[`price-${i}`] = price ? centsToInput(price.priceCents) : "";
  });
  return values;
}

const serviceFields = (service: TariffService) => ({
  id: service.id,
  name: service.name,
  unit: service.unit,
  perChild: service.perChild,
  expectedUnitsPerYear: service.expectedUnitsPerYear,
});

export type ServicePage = NonNullable<Awaited<ReturnType<typeof loadServicePage>>>;
