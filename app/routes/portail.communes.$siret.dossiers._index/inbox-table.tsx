import { Link } from "@remix-run/react";
import { Badge, type BadgeType } from "~/components/dsfr/badge";
import { SELECTED_PARAM } from "~/portal/campaigns/campaign-request";
import {
  INBOX_TABS,
  SORT_KEYS,
  STATUS_LABELS,
  type InboxQuery,
  type SortKey,
} from "~/portal/dossiers/dossier-list-query";
import type { InboxLinks } from "./inbox-links";
import type { InboxPageRow, InboxPriceColumn } from "./inbox-page.server";

const STATUS_BADGES: Record<keyof typeof STATUS_LABELS, BadgeType | undefined> = {
  received: "new",
  in_progress: "info",
  done: "success",
  refused: "warning",
  error: "error",
};

const directionLabel = (direction: "asc" | "desc") => (direction === "asc" ? "croissant" : "décroissant");

/** A column header that sorts by its key, the other way round when it already does. */
function SortHeader({
  sortKey,
  label,
  query,
  links,
}: {
  sortKey: SortKey;
  label: string;
  query: InboxQuery;
  links: InboxLinks;
}) {
  const sorted = query.sort === sortKey;
  const nextDirection = sorted && query.direction === "asc" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={sorted ? (query.direction === "asc" ? "ascending" : "descending") : undefined}>
      <Link to={links.href({ tri: sortKey, ordre: nextDirection, page: null })} className="fr-link">
        {label}
        <span className="fr-sr-only"> : trier par ordre {directionLabel(nextDirection)}</span>
      </Link>
    </th>
  );
}

/** The files of the page, each with a checkbox of the "selected files" campaign form. */
export function InboxTable({
  rows,
  query,
  links,
  pageCount,
  hasBrackets,
  priceColumns,
}: {
  rows: InboxPageRow[];
  query: InboxQuery;
  links: InboxLinks;
  pageCount: number;
  hasBrackets: boolean;
  priceColumns: readonly InboxPriceColumn[];
}) {
  const sortHeader = (sortKey: SortKey, label: string) => (
    <SortHeader sortKey={sortKey} label={label} query={query} links={links} />
  );
  return (
    <div className="fr-table fr-table--sm">
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
            <table>
              <caption>
                Dossiers « {INBOX_TABS[query.tab].label} », triés par {SORT_KEYS[query.sort].toLowerCase()} (
                {directionLabel(query.direction)}), page {Math.min(query.page, pageCount)} sur {pageCount}
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="fr-sr-only">Sélection</span>
                  </th>
                  <th scope="col">Référence</th>
                  {sortHeader("recu", "Reçu le")}
                  {sortHeader("nom", "Famille")}
                  {sortHeader("qf", "Quotient familial")}
                  <th scope="col">Enfants</th>
                  {hasBrackets ? <th scope="col">Tranche</th> : null}
                  {priceColumns.map((column) => (
                    <th scope="col" key={column.id}>
                      Tarif : {column.name}
                      <br />
                      <span className="fr-text--xs">{column.note}</span>
                    </th>
                  ))}
                  <th scope="col">Statut</th>
                  <th scope="col">N° de dossier commune</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id} data-row-key={row.id}>
                    <td>
                      <div className="fr-checkbox-group fr-checkbox-group--sm">
                        <input
                          type="checkbox"
                          id={`selection-${row.id}`}
                          name={SELECTED_PARAM}
                          value={row.id}
                          form="selection-campagne"
                        />
                        <label className="fr-label" htmlFor={`selection-${row.id}`}>
                          <span className="fr-sr-only">Sélectionner le dossier {row.name}</span>
                        </label>
                      </div>
                    </td>
                    <td>
                      <Link to={links.file(row.id)}>{row.reference ?? "Voir le dossier"}</Link>
                    </td>
                    <td>{row.receivedOn}</td>
                    <th scope="row">
                      <Link to={links.file(row.id)}>{row.name}</Link>
                    </th>
                    <td>
                      {row.qf ? (
                        <>
                          {row.qf.value}
                          <br />
                          <span className="fr-text--xs">
                            {row.qf.period ?? ""} · {row.qf.provider}
                          </span>
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td>{row.children}</td>
                    {hasBrackets ? <td>{row.bracket ?? "—"}</td> : null}
                    {priceColumns.map((column, i) => (
                      <td key={column.id}>{row.prices[i]}</td>
                    ))}
                    <td>
                      <Badge small type={STATUS_BADGES[row.status]}>
                        {STATUS_LABELS[row.status]}
                      </Badge>
                    </td>
                    <td>{row.externalId ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
