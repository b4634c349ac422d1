import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge, type BadgeType } from "~/components/dsfr/badge";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { Pagination } from "~/components/dsfr/pagination";
import { Select } from "~/components/dsfr/select";
import { ExportForm } from "~/components/portal/export-form";
import { formatMonthYear, formatQuotient } from "~/domain/format";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import { hubeeInboxSettings, ingestCommuneNow } from "~/portal/hubee-reception/hubee-inboxes.server";
import {
  DATE_PRESETS,
  INBOX_TABS,
  inboxRangeErrors,
  inboxSearchParams,
  PAGE_SIZES,
  parseInboxQuery,
  SORT_KEYS,
  STATUS_LABELS,
  type InboxQuery,
  type InboxTab,
  type SortKey,
} from "~/portal/dossiers/dossier-list-query";
import { listInbox } from "~/portal/dossiers/dossier-list-query.server";
import { lastCampaignChanges } from "~/portal/campaigns/campaign-portal.server";
import { RETURN_PARAM, searchCampaignHref, SCOPE_PARAM, SELECTED_PARAM } from "~/portal/campaigns/campaign-request";
import { listOpenAlerts } from "~/portal/campaigns/campaigns.server";
import { bracketFor } from "~/portal/settings/tariff-brackets";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";
import { formatDate } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Dossiers - Espace agents - Portail QF" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  const query = parseInboxQuery(new URL(request.url).searchParams);
  const db = await getDatabase();
  const [page, brackets, changes, alerts] = await Promise.all([
    listInbox(db, collectivity.id, query),
    loadTariffBrackets(db, collectivity.id),
    lastCampaignChanges(db, collectivity.id, 10),
    listOpenAlerts(db, collectivity.id),
  ]);
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    hasBrackets: brackets.length > 0,
    openAlerts: alerts.length,
    lastChanges: changes
      ? {
          campaignId: changes.campaignId,
          period: formatMonthYear(changes.mois, changes.annee),
          total: changes.total,
          rows: changes.rows.map((row) => ({
            familyId: row.familyId,
            name: [row.familyName, row.givenNames].filter(Boolean).join(" ") || "Identité illisible",
            oldValue: row.oldValue === null ? "—" : formatQuotient(row.oldValue),
            newValue: row.newValue === null ? "—" : formatQuotient(row.newValue),
          })),
        }
      : null,
    query,
    total: page.total,
    pageCount: page.pageCount,
    counts: page.counts,
    rows: page.rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      receivedOn: formatDate(row.receivedAt),
      name: [row.familyName, row.givenNames].filter(Boolean).join(" ") || "Identité illisible",
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

type ActionResult = { level: "success" | "info" | "warning" | "error"; message: string; settingsLink?: boolean };

/** "Relever maintenant": reads the commune's HubEE inbox now and says what came in. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  const form = await request.formData();
  if (form.get("intent") !== "relever")
    return data<ActionResult>({ level: "error", message: "Action inconnue." }, { status: 400 });
  const db = await getDatabase();
  const result = await ingestCommuneNow(db, collectivity.id, hubeeInboxSettings(getConfig()));
  await recordAudit(db, {
    actor: agent.id,
    collectivityId: collectivity.id,
    action: "inbox.polled",
    targetType: "collectivity",
    targetId: collectivity.id,
    requestId: context.requestId,
    details: { trigger: "agent", status: result.status, ...(result.status === "done" ? result.counts : {}) },
  });
  switch (result.status) {
    case "done": {
      const { cases, errors, failed } = result.counts;
      const parts = [
        cases === 0
          ? "Aucun nouveau dossier."
          : cases === 1
            ? "1 nouveau dossier reçu."
            : `${cases} nouveaux dossiers reçus.`,
      ];
      if (errors > 0) parts.push(`${errors} télédossier(s) illisible(s), visibles dans l’onglet « Erreurs ».`);
      if (failed > 0) parts.push(`${failed} télédossier(s) n’ont pas pu être lus : nouvel essai au prochain relevé.`);
      return { level: failed > 0 ? "warning" : "success", message: parts.join(" ") } satisfies ActionResult;
    }
    case "busy":
      return {
        level: "info",
        message: "Un relevé est déjà en cours pour la commune : actualisez la page dans un instant.",
      } satisfies ActionResult;
    case "not_configured":
      return {
        level: "warning",
        message: "Les identifiants HubEE de la commune ne sont pas encore configurés.",
        settingsLink: membership.role === "admin",
      } satisfies ActionResult;
    case "failed":
      return { level: "error", message: result.error } satisfies ActionResult;
  }
}

const STATUS_BADGES: Record<keyof typeof STATUS_LABELS, BadgeType | undefined> = {
  received: "new",
  in_progress: "info",
  done: "success",
  refused: "warning",
  error: "error",
};

const TAB_KEYS = Object.keys(INBOX_TABS) as InboxTab[];

export default function Inbox() {
  const { commune, query, total, pageCount, counts, rows, hasBrackets, openAlerts, lastChanges } =
    useLoaderData<typeof loader>();
  const rangeErrors = inboxRangeErrors(query as InboxQuery);
  const rangeErrorItems = [
    ...(rangeErrors.au ? [{ fieldId: "au", label: "Reçus jusqu’au", message: rangeErrors.au }] : []),
    ...(rangeErrors.qfMax ? [{ fieldId: "qfMax", label: "QF maximum", message: rangeErrors.qfMax }] : []),
  ];
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const polling = navigation.state !== "idle" && navigation.formData?.get("intent") === "relever";
  const base = `/portail/communes/${commune.siret}/dossiers`;
  const href = (overrides: Record<string, string | null>) => {
    const params = inboxSearchParams(query as InboxQuery, overrides).toString();
    return params ? `?${params}` : "?";
  };
  // The file links carry the inbox query so the file can offer previous/next and a way back.
  const backQuery = inboxSearchParams(query as InboxQuery).toString();
  const fileHref = (id: string) => `${base}/${id}${backQuery ? `?retour=${encodeURIComponent(backQuery)}` : ""}`;
  const filtered = Boolean(
    query.q ||
    query.period ||
    query.from ||
    query.to ||
    query.qfMin !== null ||
    query.qfMax !== null ||
    query.provider ||
    query.children !== null ||
    query.status,
  );
  const ariaSort = (key: SortKey) =>
    query.sort === key ? (query.direction === "asc" ? "ascending" : "descending") : undefined;
  const sortHeader = (key: SortKey, label: string) => {
    const nextDirection = query.sort === key && query.direction === "asc" ? "desc" : "asc";
    return (
      <th scope="col" aria-sort={ariaSort(key)}>
        <Link to={href({ tri: key, ordre: nextDirection, page: null })} className="fr-link">
          {label}
          <span className="fr-sr-only"> : trier par ordre {nextDirection === "asc" ? "croissant" : "décroissant"}</span>
        </Link>
      </th>
    );
  };
  const pager = (
    <Pagination
      currentPage={Math.min(query.page, pageCount)}
      pageCount={pageCount}
      pageHref={(page) => href({ page: page === 1 ? null : String(page) })}
    />
  );

  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: `/portail/communes/${commune.siret}` },
        ]}
        currentPageLabel="Dossiers"
      />
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
        <div className="fr-col">
          <h1>Dossiers reçus</h1>
        </div>
        <div className="fr-col-auto">
          <Form method="post">
            <input type="hidden" name="intent" value="relever" />
            <Button type="submit" priority="secondary" icon="fr-icon-refresh-line" disabled={polling}>
              {polling ? "Relevé en cours…" : "Relever maintenant"}
            </Button>
          </Form>
        </div>
      </div>
      {actionData ? (
        <Alert
          type={actionData.level}
          small
          announce
          className="fr-mb-3w"
          description={
            <>
              {actionData.message}{" "}
              {"settingsLink" in actionData && actionData.settingsLink ? (
                <Link to={`/portail/communes/${commune.siret}/parametres`}>
                  Saisir les identifiants HubEE dans les paramètres
                </Link>
              ) : null}
              {"settingsLink" in actionData && actionData.settingsLink === false
                ? "Demandez à un administrateur de la commune de les saisir dans les paramètres."
                : null}
            </>
          }
        />
      ) : null}

      {openAlerts > 0 ? (
        <Alert
          type="error"
          small
          role="alert"
          className="fr-mb-3w"
          description={
            <>
              La mise à jour des QF a été arrêtée : API Particulier refuse le jeton de la commune.{" "}
              <Link to={`/portail/communes/${commune.siret}/campagnes`}>Voir l’alerte</Link>
            </>
          }
        />
      ) : null}
      {lastChanges ? (
        <div className="fr-callout fr-mb-3w" data-testid="qf-changes">
          <h2 className="fr-callout__title fr-h6">
            {lastChanges.total === 1 ? "1 famille a changé de QF" : `${lastChanges.total} familles ont changé de QF`}{" "}
            lors de la dernière mise à jour ({lastChanges.period})
          </h2>
          <ul className="fr-callout__text fr-text--sm">
            {lastChanges.rows.map((row) => (
              <li key={row.familyId}>
                <Link to={`${base}/${row.familyId}`}>{row.name}</Link> : {row.oldValue} → {row.newValue}
              </li>
            ))}
          </ul>
          {lastChanges.total > lastChanges.rows.length ? (
            <Link to={`/portail/communes/${commune.siret}/campagnes/${lastChanges.campaignId}?liste=updated`}>
              Voir les {lastChanges.total} familles dans le rapport
            </Link>
          ) : (
            <Link to={`/portail/communes/${commune.siret}/campagnes/${lastChanges.campaignId}`}>Voir le rapport</Link>
          )}
        </div>
      ) : null}

      <nav aria-label="Dossiers par statut" className="fr-mb-3w">
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
          {TAB_KEYS.map((tab) => (
            <li key={tab}>
              <Link
                to={href({
                  onglet: tab === "a-traiter" ? null : tab,
                  page: null,
                  statut: tab === "tous" ? (query.status ?? null) : null,
                })}
                aria-current={query.tab === tab ? "page" : undefined}
                className={`fr-btn fr-btn--sm ${query.tab === tab ? "" : "fr-btn--tertiary"}`}
              >
                {INBOX_TABS[tab].label} ({counts[tab]})
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <Form method="get" action={base} role="search" aria-label="Filtrer les dossiers" className="fr-mb-3w">
        {query.tab !== "a-traiter" ? <input type="hidden" name="onglet" value={query.tab} /> : null}
        <ErrorSummary items={rangeErrorItems} className="fr-mb-3w" />
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <Input
            className="fr-col-12 fr-col-md-6"
            name="q"
            type="search"
            label="Rechercher"
            hint="Référence du dossier (13 caractères) ou nom d’un allocataire ou d’un enfant"
            defaultValue={query.q}
          />
          <Select
            className="fr-col-6 fr-col-md-3"
            name="periode"
            label="Reçus"
            options={[
              { value: "", label: "Toutes les dates" },
              ...Object.entries(DATE_PRESETS).map(([value, label]) => ({ value, label })),
            ]}
            defaultValue={query.period ?? ""}
          />
          <Select
            className="fr-col-6 fr-col-md-3"
            name="regime"
            label="Régime"
            options={[
              { value: "", label: "CAF et MSA" },
              { value: "CNAF", label: "CAF" },
              { value: "MSA", label: "MSA" },
            ]}
            defaultValue={query.provider ?? ""}
          />
          {/* This line top-aligned (fr-col--top), its labels one line each: an error or a note under one
              control (a range typed backwards, where the status applies) leaves every label and control
              in line, where the row's bottom alignment pushed that control up or its hint's label up. */}
          <Input
            className="fr-col-6 fr-col-md-2 fr-col--top"
            name="du"
            type="date"
            label="Reçus du"
            defaultValue={query.from ?? ""}
          />
          <Input
            className="fr-col-6 fr-col-md-2 fr-col--top"
            name="au"
            type="date"
            label="Reçus jusqu’au"
            defaultValue={query.to ?? ""}
            error={rangeErrors.au}
          />
          <Input
            className="fr-col-6 fr-col-md-2 fr-col--top"
            name="qfMin"
            type="number"
            min={0}
            label="QF minimum"
            defaultValue={query.qfMin ?? ""}
          />
          <Input
            className="fr-col-6 fr-col-md-2 fr-col--top"
            name="qfMax"
            type="number"
            min={0}
            label="QF maximum"
            defaultValue={query.qfMax ?? ""}
            error={rangeErrors.qfMax}
          />
          <Input
            className="fr-col-6 fr-col-md-2 fr-col--top"
            name="enfants"
            type="number"
            min={0}
            label="Nombre d’enfants"
            defaultValue={query.children ?? ""}
          />
          <Select
            className="fr-col-6 fr-col-md-2 fr-col--top"
            name="statut"
            label="Statut"
            note={query.tab === "tous" ? undefined : "Dans l’onglet « Tous »"}
            options={[
              { value: "", label: "Tous" },
              ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
            ]}
            defaultValue={query.status ?? ""}
          />
          <Select
            className="fr-col-6 fr-col-md-3"
            name="tri"
            label="Trier par"
            options={Object.entries(SORT_KEYS).map(([value, label]) => ({ value, label }))}
            defaultValue={query.sort}
          />
          <Select
            className="fr-col-6 fr-col-md-3"
            name="ordre"
            label="Ordre"
            options={[
              { value: "asc", label: "Croissant" },
              { value: "desc", label: "Décroissant" },
            ]}
            defaultValue={query.direction}
          />
          <Select
            className="fr-col-6 fr-col-md-2"
            name="parPage"
            label="Par page"
            options={PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))}
            defaultValue={String(query.pageSize)}
          />
          <div className="fr-col-6 fr-col-md-4 fr-mb-3w">
            <Button type="submit">Appliquer</Button>
            {filtered ? (
              <Link
                className="fr-link fr-ml-2w"
                to={href({
                  q: null,
                  periode: null,
                  du: null,
                  au: null,
                  qfMin: null,
                  qfMax: null,
                  regime: null,
                  enfants: null,
                  statut: null,
                  page: null,
                })}
              >
                Effacer les filtres
              </Link>
            ) : null}
          </div>
        </div>
      </Form>

      {rows.length === 0 ? (
        <div className="fr-callout fr-mb-4w">
          <p className="fr-callout__text">
            {rangeErrorItems.length > 0
              ? "Aucun dossier ne peut correspondre à ces filtres : le maximum d’une fourchette est inférieur à son minimum. Corrigez le champ signalé."
              : filtered
                ? "Aucun dossier ne correspond à cette recherche. Vérifiez l’orthographe, élargissez la période ou effacez les filtres."
                : query.tab === "a-traiter"
                  ? "Aucun dossier à traiter. Les nouveaux télédossiers arrivent automatiquement ; « Relever maintenant » les fait venir tout de suite."
                  : "Aucun dossier dans cet onglet. Consultez l’onglet « Tous » pour voir tous les dossiers reçus."}
          </p>
        </div>
      ) : (
        <>
          <p className="fr-mb-1w" aria-live="polite">
            {total} dossier{total > 1 ? "s" : ""}
          </p>
          <ExportForm siret={commune.siret} searchParams={inboxSearchParams(query as InboxQuery)} total={total} />
          {pager}
          <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-btns-group--icon-left">
            <li>
              <Link
                className="fr-btn fr-btn--secondary fr-icon-refresh-line"
                to={searchCampaignHref(commune.siret, inboxSearchParams(query as InboxQuery))}
              >
                Mettre à jour les QF de {filtered ? "cette recherche" : "cette liste"} ({total} dossier
                {total > 1 ? "s" : ""})
              </Link>
            </li>
            <li>
              {/* The checkboxes below belong to this form (form attribute): a plain GET, JavaScript or not. */}
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
            action={`/portail/communes/${commune.siret}/campagnes/nouvelle`}
            aria-label="Sélection de dossiers pour une mise à jour des QF"
          >
            <input type="hidden" name={SCOPE_PARAM} value="selection" />
            <input type="hidden" name={RETURN_PARAM} value={inboxSearchParams(query as InboxQuery).toString()} />
          </Form>
          <div className="fr-table fr-table--sm">
            <div className="fr-table__wrapper">
              <div className="fr-table__container">
                <div className="fr-table__content">
                  <table>
                    <caption>
                      Dossiers « {INBOX_TABS[query.tab as InboxTab].label} », triés par{" "}
                      {SORT_KEYS[query.sort as SortKey].toLowerCase()} (
                      {query.direction === "asc" ? "croissant" : "décroissant"}), page {Math.min(query.page, pageCount)}{" "}
                      sur {pageCount}
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
                            <Link to={fileHref(row.id)}>{row.reference ?? "Voir le dossier"}</Link>
                          </td>
                          <td>{row.receivedOn}</td>
                          <th scope="row">
                            <Link to={fileHref(row.id)}>{row.name}</Link>
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
          {pager}
        </>
      )}
      <Alert
        type="info"
        small
        className="fr-mt-4w"
        description="Chaque consultation de dossier est inscrite au journal de la commune."
      />
    </div>
  );
}
