import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import { Table } from "~/components/dsfr/table";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { listJournal, parseJournalQuery } from "~/portal/journal/journal.server";
import { AUDIT_ACTION_LABELS } from "~/audit/audit-actions";
import { familyFileLabel } from "~/portal/journal/journal-entry-text";

export const meta: MetaFunction = () => [{ title: "Journal de la commune - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Journal" }) };

/** GET form: the filters live in the URL, so a filtered view can be shared or bookmarked. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const url = new URL(request.url);
  const query = parseJournalQuery(url.searchParams);
  const page = await listJournal(await getDatabase(), collectivity.id, query);
  return { commune: { name: collectivity.name, siret: collectivity.siret }, query, page };
}

const ACTION_OPTIONS = Object.entries(AUDIT_ACTION_LABELS)
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label, "fr"));

export default function CommuneJournal() {
  const { commune, query, page } = useLoaderData<typeof loader>();
  const filtered = Boolean(query.action || query.from || query.to || query.familyId);
  const space = `/portail/communes/${commune.siret}`;
  const linkTo = (cursor: Record<string, string>) => {
    const params = new URLSearchParams();
    if (query.familyId) params.set("dossier", query.familyId);
    if (query.action) params.set("action", query.action);
    if (query.from) params.set("du", query.from);
    if (query.to) params.set("au", query.to);
    for (const [key, value] of Object.entries(cursor)) params.set(key, value);
    return `?${params.toString()}`;
  };
  const pager =
    page.newerThan === null && page.olderThan === null ? null : (
      <nav role="navigation" className="fr-pagination" aria-label="Pagination du journal">
        <ul className="fr-pagination__list">
          <li>
            {page.newerThan !== null ? (
              <Link
                className="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
                to={linkTo({ apres: String(page.newerThan) })}
              >
                Plus récentes
              </Link>
            ) : (
              // eslint-disable-next-line jsx-a11y/anchor-is-valid -- DSFR markup for an unavailable page link
              <a
                className="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
                aria-disabled="true"
                role="link"
              >
                Plus récentes
              </a>
            )}
          </li>
          <li>
            {page.olderThan !== null ? (
              <Link
                className="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                to={linkTo({ avant: String(page.olderThan) })}
              >
                Plus anciennes
              </Link>
            ) : (
              // eslint-disable-next-line jsx-a11y/anchor-is-valid -- DSFR markup for an unavailable page link
              <a
                className="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                aria-disabled="true"
                role="link"
              >
                Plus anciennes
              </a>
            )}
          </li>
        </ul>
      </nav>
    );
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Journal de la commune</h1>
      <p>
        Chaque consultation de dossier, export, changement de statut, relève et modification des paramètres y est
        inscrit. Les entrées sont chaînées : une entrée modifiée ou supprimée se détecte.
      </p>
      {query.familyId ? (
        <div className="fr-callout fr-mb-3w" data-testid="filtre-dossier">
          <h2 className="fr-callout__title fr-h6">
            Historique des accès au {familyFileLabel(query.familyId).toLowerCase()}
          </h2>
          <p className="fr-callout__text fr-text--sm">
            Consultations, changements de statut et pièces jointes téléchargées de ce dossier. Les exports et les mises
            à jour des QF portent sur des listes de dossiers : ils figurent dans le journal complet.
          </p>
          <p className="fr-text--sm fr-mb-0">
            <Link to={`${space}/dossiers/${query.familyId}`}>Ouvrir le dossier</Link>
            {" · "}
            <Link to=".">Voir tout le journal</Link>
          </p>
        </div>
      ) : null}
      <Form method="get" className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-2w">
        {query.familyId ? <input type="hidden" name="dossier" value={query.familyId} /> : null}
        <Select
          className="fr-col-12 fr-col-md-4"
          name="action"
          label="Action"
          options={[{ value: "", label: "Toutes les actions" }, ...ACTION_OPTIONS]}
          defaultValue={query.action ?? ""}
        />
        {/* Labels that make sense alone, as screen readers and voice control read them. */}
        <Input
          className="fr-col-6 fr-col-md-3"
          name="du"
          type="date"
          label="Entrées à partir du"
          defaultValue={query.from ?? ""}
        />
        <Input
          className="fr-col-6 fr-col-md-3"
          name="au"
          type="date"
          label="Entrées jusqu’au"
          defaultValue={query.to ?? ""}
        />
        <div className="fr-col-12 fr-col-md-2 fr-mb-3w">
          <Button type="submit" priority="secondary">
            Filtrer
          </Button>
        </div>
      </Form>
      {page.entries.length === 0 ? (
        <p>
          {filtered
            ? "Aucune entrée ne correspond à ces filtres. Élargissez la période ou choisissez « Toutes les actions »."
            : "Le journal est vide pour l’instant."}
        </p>
      ) : (
        <>
          {pager}
          <Table
            caption="Entrées du journal, des plus récentes aux plus anciennes"
            size="sm"
            headers={["Date", "Action", "Par", "Concerne", "Détail", "N°"]}
            rows={page.entries.map((entry) => ({
              key: String(entry.id),
              cells: [
                entry.occurredAt,
                entry.actionLabel,
                entry.actor,
                entry.targetPath ? (
                  <Link to={`${space}/${entry.targetPath}`}>{entry.target}</Link>
                ) : (
                  (entry.target ?? "—")
                ),
                entry.summary ?? "—",
                String(entry.id),
              ],
            }))}
          />
          {pager}
        </>
      )}
      {filtered ? (
        <p className="fr-mt-2w">
          <Link className="fr-link" to=".">
            Effacer les filtres
          </Link>
        </p>
      ) : null}
    </div>
  );
}
