import type { Database } from "../../../db/client.ts";
import { formatMonthYear, formatQuotient } from "~/domain/format";
import { formatDate } from "~/domain/paris-time";
import { lastCampaignChanges } from "~/portal/campaigns/campaign-portal.server";
import { listOpenAlerts } from "~/portal/campaigns/campaigns.server";
import type { InboxQuery } from "~/portal/dossiers/dossier-list-query";
import { listInbox } from "~/portal/dossiers/dossier-list-query.server";
import { bracketFor } from "~/portal/settings/tariff-brackets";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";

/** The inbox page's view-model: one page of files, the tab counters and the notices above them. */

const displayName = (familyName: string | null, givenNames: string | null) =>
  [familyName, givenNames].filter(Boolean).join(" ") || "Identité illisible";

const quotientOrDash = (value: number | null) => (value === null ? "—" : formatQuotient(value));

export async function loadInboxPage(db: Database, collectivityId: string, query: InboxQuery) {
  const [page, brackets, changes, alerts] = await Promise.all([
    listInbox(db, collectivityId, query),
    loadTariffBrackets(db, collectivityId),
    lastCampaignChanges(db, collectivityId, 10),
    listOpenAlerts(db, collectivityId),
  ]);
  return {
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
    })),
  };
}

export type InboxPageView = Awaited<ReturnType<typeof loadInboxPage>>;
export type InboxPageRow = InboxPageView["rows"][number];
export type InboxLastChanges = NonNullable<InboxPageView["lastChanges"]>;
