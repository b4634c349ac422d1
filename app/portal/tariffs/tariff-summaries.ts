import { describeRule } from "~/domain/pricing/describe-rule";
import { UNIT_LABELS } from "~/domain/pricing/rules";
import { versionInForce } from "~/domain/pricing/versions";
import { formatDay } from "~/domain/paris-time";
import type { TariffService } from "./tariffs.server";

/** What a list shows of a service: its unit, the rule in force today and what is coming. */
export function summariseService(service: TariffService, today: string) {
  const current = versionInForce(service.versions, today);
  const upcoming = service.versions.filter((v) => v.status === "published" && v.validFrom > today);
  const drafts = service.versions.filter((v) => v.status === "draft");
  return {
    id: service.id,
    name: service.name,
    unit: UNIT_LABELS[service.unit].per,
    perChild: service.perChild,
    current: current ? { since: formatDay(current.validFrom), rule: describeRule(current.rule) } : null,
    upcoming: upcoming.map((v) => ({ from: formatDay(v.validFrom), rule: describeRule(v.rule) })),
    draftCount: drafts.length,
  };
}
