import { Form, Link } from "@remix-run/react";
import { Pagination } from "~/components/dsfr/pagination";
import { ExportForm } from "~/components/portal/export-form";
import { RETURN_PARAM, searchCampaignHref, SCOPE_PARAM } from "~/portal/campaigns/campaign-request";
import type { InboxQuery } from "~/portal/dossiers/dossier-list-query";
import type { InboxLinks } from "./inbox-links";
import type { InboxPageRow, InboxPriceColumn } from "./inbox-page.server";
import { InboxTable } from "./inbox-table";

const files = (total: number) => `${total} dossier${total > 1 ? "s" : ""}`;

/** The list's page: its count, export, QF update of the list or of the checked files, table and pager. */
export function InboxList({
  siret,
  rows,
  total,
  pageCount,
  hasBrackets,
  priceColumns,
  query,
  links,
  filtered,
}: {
  siret: string;
  rows: InboxPageRow[];
  total: number;
  pageCount: number;
  hasBrackets: boolean;
  priceColumns: readonly InboxPriceColumn[];
  query: InboxQuery;
  links: InboxLinks;
  filtered: boolean;
}) {
  const pager = (
    <Pagination
      currentPage={Math.min(query.page, pageCount)}
      pageCount={pageCount}
      pageHref={(page) => links.href({ page: page === 1 ? null : String(page) })}
    />
  );
  return (
    <>
      <p className="fr-mb-1w" aria-live="polite">
        {files(total)}
      </p>
      <ExportForm siret={siret} searchParams={links.current} total={total} />
      {pager}
      <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-btns-group--icon-left">
        <li>
          <Link className="fr-btn fr-btn--secondary fr-icon-refresh-line" to={searchCampaignHref(siret, links.current)}>
            Mettre à jour les QF de {filtered ? "cette recherche" : "cette liste"} ({files(total)})
          </Link>
        </li>
        <li>
          {/* The checkboxes of the table belong to this form (form attribute): a plain GET, JavaScript or not. */}
          <button
            type="submit"
            form="selection-campagne"
            className="fr-btn fr-btn--secondary fr-icon-checkbox-circle-line"
          >
            Mettre à jour les QF des dossiers cochés
          </button>
        </li>
      </ul>
      <Form
        method="get"
        id="selection-campagne"
        action={`/portail/communes/${siret}/campagnes/nouvelle`}
        aria-label="Sélection de dossiers pour une mise à jour des QF"
      >
        <input type="hidden" name={SCOPE_PARAM} value="selection" />
        <input type="hidden" name={RETURN_PARAM} value={links.current.toString()} />
      </Form>
      <InboxTable
        rows={rows}
        query={query}
        links={links}
        pageCount={pageCount}
        hasBrackets={hasBrackets}
        priceColumns={priceColumns}
      />
      {pager}
    </>
  );
}

/** Why the list is empty, and what to do about it. */
export function EmptyInbox({
  query,
  filtered,
  rangeError,
}: {
  query: InboxQuery;
  filtered: boolean;
  rangeError: boolean;
}) {
  return (
    <div className="fr-callout fr-mb-4w">
      <p className="fr-callout__text">
        {rangeError
          ? "Aucun dossier ne peut correspondre à ces filtres : un champ est mal saisi ou le maximum d’une fourchette est inférieur à son minimum. Corrigez le champ signalé."
          : filtered
            ? "Aucun dossier ne correspond à cette recherche. Vérifiez l’orthographe, élargissez la période ou effacez les filtres."
            : query.tab === "a-traiter"
              ? "Aucun dossier à traiter. Les nouveaux télédossiers arrivent automatiquement ; « Relever maintenant » les fait venir tout de suite."
              : "Aucun dossier dans cet onglet. Consultez l’onglet « Tous » pour voir tous les dossiers reçus."}
      </p>
    </div>
  );
}
