import { Link } from "@remix-run/react";
import { Pagination } from "~/components/dsfr/pagination";
import { Table } from "~/components/dsfr/table";
import { ITEM_STATUS_LABELS, REPORT_LIST_HINTS, REPORT_LISTS } from "~/portal/campaigns/campaign-labels";
import type { CampaignProgressView } from "~/portal/campaigns/campaign-progress-view.server";
import type { ReportRow } from "./campaign-page.server";
import { BRACKETS_LIST, listHref, type ListKey } from "./report-lists";

/** The report: one link per list with its count, then a page of the chosen list. */
export function CampaignReport({
  finished,
  live,
  list,
  page,
  pageCount,
  listTotal,
  items,
  fileBase,
}: {
  finished: boolean;
  live: Pick<CampaignProgressView, "counts" | "bracketChanges">;
  list: ListKey;
  page: number;
  pageCount: number;
  listTotal: number;
  items: ReportRow[];
  /** Where the commune's family files are. */
  fileBase: string;
}) {
  const lists: { key: ListKey; label: string; count: number }[] = [
    ...REPORT_LISTS.map((key) => ({ key, label: ITEM_STATUS_LABELS[key], count: live.counts[key] })),
    { key: BRACKETS_LIST, label: "Changement de tranche", count: live.bracketChanges },
  ];
  const currentLabel = lists.find((l) => l.key === list)!.label;
  return (
    <section aria-labelledby="rapport-titre" className="fr-mt-4w">
      <h2 id="rapport-titre">{finished ? "Rapport" : "Résultats jusqu’ici"}</h2>
      <nav aria-label="Listes du rapport" className="fr-mb-2w">
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
          {lists.map((entry) => (
            <li key={entry.key}>
              <Link
                to={listHref(entry.key)}
                aria-current={list === entry.key ? "page" : undefined}
                className={`fr-btn fr-btn--sm ${list === entry.key ? "" : "fr-btn--tertiary"}`}
                data-testid={`report-${entry.key}`}
              >
                {entry.label} ({entry.count.toLocaleString("fr-FR")})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p className="fr-text--sm">
        {list === BRACKETS_LIST
          ? "Familles dont le nouveau QF les fait changer de tranche tarifaire (tranches actuelles de la commune)."
          : REPORT_LIST_HINTS[list]}
      </p>
      {items.length === 0 ? (
        <p>Aucune famille dans cette liste.</p>
      ) : (
        <>
          <Table
            caption={`${currentLabel} : ${listTotal.toLocaleString("fr-FR")} famille${listTotal > 1 ? "s" : ""}, page ${page} sur ${pageCount}`}
            size="sm"
            rowHeaders
            headers={["Famille", "QF avant", "QF après", list === BRACKETS_LIST ? "Tranche" : "Détail"]}
            rows={items.map((item) => ({
              key: item.familyId,
              cells: [
                <Link key="f" to={`${fileBase}/${item.familyId}`}>
                  {item.name}
                </Link>,
                item.oldValue,
                item.newValue,
                item.detail || "—",
              ],
            }))}
          />
          <Pagination currentPage={page} pageCount={pageCount} pageHref={(p) => listHref(list, p)} />
        </>
      )}
    </section>
  );
}
