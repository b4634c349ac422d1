import type { Database } from "../../../db/client.ts";
import { formatMonthYear, formatQuotient } from "~/domain/format";
import { formatDate, parisToday } from "~/domain/paris-time";
import { formatCents } from "~/domain/pricing/money";
import { UNIT_LABELS } from "~/domain/pricing/rules";
import { lastCampaignChanges } from "~/portal/campaigns/campaign-portal.server";
import { listOpenAlerts } from "~/portal/campaigns/campaigns.server";
import type { InboxQuery } from "~/portal/dossiers/dossier-list-query";
import { listInbox } from "~/portal/dossiers/dossier-list-query.server";
import { bracketFor } from "~/portal/settings/tariff-brackets";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";
import { loadServicesInForce, type ServiceInForce } from "~/portal/tariffs/services-in-force.server";

/** The inbox page's view-model: one page of files, the tab counters and the notices above them. */

const displayName = (familyName: string | null, givenNames: string | null) =>
  [familyName, givenNames].filter(Boolean).join(" ") || "Identité illisible";

/** What a price column's header says under the service: the unit, and for whom when siblings pay less. */
function priceColumnNote(service: ServiceInForce): string {
  const per = UNIT_LABELS[service.unit].per;
  const reduction = service.rule.siblingReduction;
  if (!service.perChild || !reduction) return per;
  return `${per}, 1er enfant (−${reduction.percent} % à partir du ${reduction.fromChild}e)`;
}

const quotientOrDash = (value: number | null) => (value === null ? "—" : formatQuotient(value));

export async function loadInboxPage(db: Database, collectivityId: string, query: InboxQuery) {
  const [page, brackets, changes, alerts, services] = await Promise.all([
    listInbox(db, collectivityId, query),
    loadTariffBrackets(db, collectivityId),
    lastCampaignChanges(db, collectivityId, 10),
    listOpenAlerts(db, collectivityId),
    loadServicesInForce(db, collectivityId, parisToday()),
  ]);
  return {
    /** The services an agent can show or filter by: those with a published rule in force today. */
    services: services.map((service) => ({ id: service.id, name: service.name })),
    /** A filtered service that has no rule in force today (or is not the commune's): said on the filter. */
    unknownPriceService: query.priceService !== null && !services.some((service) => service.id === query.priceService),
    priceColumns: page.priceColumns.map((service) => ({
      id: service.id,
      name: service.name,
      note: priceColumnNote(service),
    })),
    hasBrackets: brackets.length > 0,
    openAlerts: alerts.length,
    lastChanges: changes
      ? {
          campaignId: changes.campaignId,
          period: formatMonthYear(changes.mois, changes.annee),
          total: changes.total,
          rows: changes.rows.map((row) => ({
            familyId: row.familyId,
            name: displayName(row.familyName, row.givenNames),
            oldValue: quotientOrDash(row.oldValue),
            newValue: quotientOrDash(row.newValue),
          })),
        }
      : null,
    total: page.total,
    pageCount: page.pageCount,
    counts: page.counts,
    rows: page.rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      receivedOn: formatDate(row.receivedAt),
      name: displayName(row.familyName, row.givenNames),
      qf:
        row.qfValue !== null
          ? {
              value: formatQuotient(row.qfValue),
              period: row.qfMois && row.qfAnnee ? formatMonthYear(row.qfMois, row.qfAnnee) : null,
              provider: row.qfProvider === "MSA" ? "MSA" : "CAF",
            }
          : null,
      children: row.childrenCount,
      bracket: bracketFor(row.qfValue, brackets)?.label ?? null,
      status: row.status,
      externalId: row.externalId,
      prices: row.prices.map(formatCents),
    })),
  };
}

export type InboxPageView = Awaited<ReturnType<typeof loadInboxPage>>;
export type InboxPageRow = InboxPageView["rows"][number];
export type InboxLastChanges = NonNullable<InboxPageView["lastChanges"]>;
export type InboxPriceColumn = InboxPageView["priceColumns"][number];
