import { formatCents } from "~/domain/pricing/money";
import { parisToday } from "~/domain/paris-time";
import { formatQuotient } from "~/domain/format";
import {
  draftLabel,
  formatChange,
  simulateServiceDrafts,
  type ServiceSimulation,
} from "~/portal/tariffs/draft-simulation.server";
import { parseSimulationQuery } from "~/portal/tariffs/simulation-query";
import { loadTariffService } from "~/portal/tariffs/tariffs.server";
import type { Database } from "../../../db/client.ts";

const count = new Intl.NumberFormat("fr-FR");

/**
 * What the simulation page and its export need: the service's drafts, the one simulated (the
 * latest by default) and the one compared, the units, and the simulation itself. Null when the
 * service or an asked-for draft is not the commune's.
 */
export async function loadSimulation(
  db: Database,
  collectivityId: string,
  serviceId: string,
  params: URLSearchParams,
  now = new Date(),
) {
  const service = await loadTariffService(db, collectivityId, serviceId);
  if (!service) return null;
  const drafts = service.versions.filter((v) => v.status === "draft");
  const query = parseSimulationQuery(params);
  const asked = params.get("projet");
  const draft = query.draftId ? drafts.find((d) => d.id === query.draftId) : asked ? undefined : drafts.at(-1);
  if (asked && !draft) return null;
  const compared = drafts.find((d) => d.id === query.compareId && d.id !== draft?.id) ?? null;
  // Prefilled from the service's expected units until the administrator types their own.
  const units = params.has("unites") ? query.units : service.expectedUnitsPerYear;
  const today = parisToday(now);
  const simulation = draft
    ? await simulateServiceDrafts(db, collectivityId, service, {
        draftIds: compared ? [draft.id, compared.id] : [draft.id],
        units,
        today,
      })
    : null;
  return {
    service: { id: service.id, name: service.name },
    drafts: drafts.map((d) => ({ id: d.id, label: draftLabel(d) })),
    draftId: draft?.id ?? null,
    compareId: compared?.id ?? null,
    unitsInput: params.has("unites") ? query.unitsInput : units === null ? "" : String(units),
    errors: query.errors,
    today,
    simulation,
  };
}

/** The simulation in words and numbers for the page (the export takes the raw figures). */
export function simulationView(simulation: ServiceSimulation, siret: string) {
  return {
    service: simulation.service,
    current: simulation.current?.label ?? null,
    step: formatCents(simulation.bucketStepCents),
    units: simulation.units === null ? null : count.format(simulation.units),
    columns: simulation.drafts.map((draft) => {
      const max = Math.max(1, ...draft.buckets.map((b) => b.count));
      return {
        versionId: draft.versionId,
        label: draft.label,
        families: count.format(draft.families),
        up: count.format(draft.up),
        down: count.format(draft.down),
        unchanged: count.format(draft.unchanged),
        buckets: draft.buckets.map((b) => ({
          key: b.key,
          label: b.label,
          direction: b.direction,
          count: count.format(b.count),
          share: draft.families === 0 ? "0 %" : `${count.format(Math.round((b.count / draft.families) * 1000) / 10)} %`,
          // Bar length relative to the fullest bucket, in whole percent of the chart's width.
          width: Math.round((b.count / max) * 100),
        })),
        revenue: draft.revenue
          ? {
              current: formatCents(draft.revenue.currentCents),
              draft: formatCents(draft.revenue.draftCents),
              difference: formatChange(draft.revenue.differenceCents),
            }
          : null,
        topIncreases: draft.topIncreases.map((f) => ({
          id: f.id,
          name: f.name,
          href: `/portail/communes/${siret}/dossiers/${f.id}`,
          qf: f.qf === null ? "Inconnu" : formatQuotient(f.qf),
          children: String(f.children),
          current: formatCents(f.currentCents),
          draft: formatCents(f.draftCents),
          change: formatChange(f.changeCents),
        })),
      };
    }),
  };
}
