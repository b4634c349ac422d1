import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import { Table } from "~/components/dsfr/table";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { loadSimulation, simulationView } from "./simulation-page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Simulation - ${data?.page.service.name ?? "Service"} - Tarifs - Espace agents - Portail QF` },
];

export const handle: BreadcrumbHandle = {
  breadcrumb: ({ params }) => [
    { label: "Tarifs", to: `/portail/communes/${params.siret}/tarifs` },
    { label: "Service", to: `/portail/communes/${params.siret}/tarifs/${params.serviceId}` },
    { label: "Simulation" },
  ],
};

/** Administrators only, like drafting: a simulation reads every family's QF. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const url = new URL(request.url);
  const loaded = await loadSimulation(await getDatabase(), collectivity.id, params.serviceId ?? "", url.searchParams);
  if (!loaded) throw notFound();
  const { simulation, ...page } = loaded;
  const exportQuery = new URLSearchParams();
  if (page.draftId) exportQuery.set("projet", page.draftId);
  if (page.compareId) exportQuery.set("comparer", page.compareId);
  if (simulation?.units) exportQuery.set("unites", String(simulation.units));
  return data({
    page,
    view: simulation ? simulationView(simulation, collectivity.siret) : null,
    base: `/portail/communes/${collectivity.siret}/tarifs/${page.service.id}`,
    exportQuery: exportQuery.toString(),
  });
}

const ERROR_LABELS: Record<string, string> = { unites: "Unités par famille et par an" };

export default function TariffSimulation() {
  const { page, view, base, exportQuery } = useLoaderData<typeof loader>();
  const errorItems = Object.entries(page.errors).map(([field, message]) => ({
    fieldId: field,
    label: ERROR_LABELS[field] ?? field,
    message,
  }));
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Simulation : {page.service.name}</h1>
      {page.drafts.length === 0 ? (
        <p>
          Ce service n’a aucun projet de tarif à simuler. <Link to={base}>Rédiger un projet</Link>.
        </p>
      ) : (
        <>
          <p>
            Chaque famille de la commune est tarifée avec son QF actuel et ses enfants, comme sur son dossier, selon le
            tarif en vigueur aujourd’hui et selon le projet. Rien n’est enregistré ni appliqué.
          </p>
          <ErrorSummary items={errorItems} />
          <Form method="get" className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-4w">
            <div className="fr-col-12 fr-col-md-4">
              <Select
                name="projet"
                label="Projet simulé"
                options={page.drafts.map((d) => ({ value: d.id, label: d.label }))}
                defaultValue={page.draftId ?? undefined}
              />
            </div>
            {page.drafts.length > 1 ? (
              <div className="fr-col-12 fr-col-md-3">
                <Select
                  name="comparer"
                  label="Comparer avec"
                  options={[
                    { value: "", label: "Aucun autre projet" },
                    ...page.drafts.map((d) => ({ value: d.id, label: d.label })),
                  ]}
                  defaultValue={page.compareId ?? ""}
                />
              </div>
            ) : null}
            <div className="fr-col-12 fr-col-md-3">
              <Input
                name="unites"
                label="Unités par famille et par an"
                hint="Nombre entier, par exemple 140 repas"
                inputMode="numeric"
                defaultValue={page.unitsInput}
                error={page.errors.unites}
              />
            </div>
            <div className="fr-col-12 fr-col-md-2">
              <Button type="submit">Simuler</Button>
            </div>
          </Form>
        </>
      )}
      {view ? <SimulationResults view={view} file={`${base}/simulation/fichier?${exportQuery}`} /> : null}
    </div>
  );
}

type View = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["view"]>;

function SimulationResults({ view, file }: { view: View; file: string }) {
  const headers = ["", ...view.columns.map((c) => c.label)];
  return (
    <>
      <p>
        Comparaison avec : <strong>{view.current ?? "aucun tarif en vigueur (tarifs comparés à 0 €)"}</strong>. Tarifs{" "}
        {view.service.per}
        {view.service.perChild ? ", pour tous les enfants de la famille" : ""}.
      </p>
      <h2>Familles concernées</h2>
      <Table
        caption="Familles dont le tarif change"
        hideCaption
        rowHeaders
        headers={headers}
        rows={[
          { key: "families", cells: ["Familles simulées", ...view.columns.map((c) => c.families)] },
          { key: "up", cells: ["Tarif en hausse", ...view.columns.map((c) => c.up)] },
          { key: "down", cells: ["Tarif en baisse", ...view.columns.map((c) => c.down)] },
          { key: "same", cells: ["Tarif inchangé", ...view.columns.map((c) => c.unchanged)] },
        ]}
      />
      <h2>Répartition des variations</h2>
      <p className="fr-text--sm">Variation du tarif par unité, par tranches de {view.step}.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        {view.columns.map((column) => (
          <figure key={column.versionId} className="fr-col-12 fr-col-md-6 fr-m-0">
            <figcaption className="fr-text--bold fr-mb-1w">{column.label}</figcaption>
            {/* The bars repeat the table below, which is what assistive technologies read. */}
            <div aria-hidden="true">
              {column.buckets.map((bucket) => (
                <div key={bucket.key} style={{ display: "flex", alignItems: "center", gap: "0.5rem" }}>
                  <span className="fr-text--xs fr-mb-0" style={{ width: "14rem", flexShrink: 0 }}>
                    {bucket.label}
                  </span>
                  <span
                    style={{
                      display: "inline-block",
                      height: "1rem",
                      width: `${bucket.width}%`,
                      maxWidth: "calc(100% - 18rem)",
                      minWidth: bucket.width > 0 ? "2px" : 0,
                      background:
                        bucket.direction === "up"
                          ? "var(--background-flat-error)"
                          : bucket.direction === "down"
                            ? "var(--background-flat-success)"
                            : "var(--background-flat-grey)",
                    }}
                  />
                  <span className="fr-text--xs fr-mb-0">{bucket.count}</span>
                </div>
              ))}
            </div>
          </figure>
        ))}
      </div>
      <Table
        caption="Répartition des familles par variation du tarif"
        rowHeaders
        headers={["Variation par unité", ...view.columns.flatMap((c) => [`${c.label} : familles`, "Part"])]}
        rows={view.columns[0]!.buckets.map((bucket, i) => ({
          key: bucket.key,
          cells: [bucket.label, ...view.columns.flatMap((c) => [c.buckets[i]!.count, c.buckets[i]!.share])],
        }))}
      />
      <h2>Recettes annuelles</h2>
      {view.units === null ? (
        <p>Indiquez le nombre d’unités par famille et par an pour estimer les recettes.</p>
      ) : (
        <Table
          caption={`Recettes annuelles pour ${view.units} unités par famille`}
          rowHeaders
          headers={headers}
          rows={[
            { key: "current", cells: ["Au tarif en vigueur", ...view.columns.map((c) => c.revenue?.current ?? "")] },
            { key: "draft", cells: ["Au projet", ...view.columns.map((c) => c.revenue?.draft ?? "")] },
            { key: "diff", cells: ["Différence", ...view.columns.map((c) => c.revenue?.difference ?? "")] },
          ]}
        />
      )}
      <h2>Plus fortes hausses</h2>
      {view.columns.map((column) =>
        column.topIncreases.length === 0 ? (
          <p key={column.versionId}>{column.label} : aucune famille ne voit son tarif augmenter.</p>
        ) : (
          <Table
            key={column.versionId}
            caption={`${column.label} : ${column.topIncreases.length === 1 ? "la plus forte hausse" : `les ${column.topIncreases.length} plus fortes hausses`}`}
            rowHeaders
            headers={["Famille", "QF", "Enfants", "Tarif en vigueur", "Tarif du projet", "Hausse"]}
            rows={column.topIncreases.map((f) => ({
              key: f.id,
              cells: [
                <Link key={f.id} to={f.href}>
                  {f.name}
                </Link>,
                f.qf,
                f.children,
                f.current,
                f.draft,
                f.change,
              ],
            }))}
          />
        ),
      )}
      <h2>Exporter pour la délibération</h2>
      <p className="fr-text--sm">
        Synthèse, répartition, recettes et plus fortes hausses (par QF et nombre d’enfants, sans nom).
      </p>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a className="fr-btn fr-btn--secondary" href={`${file}&format=xlsx`} download>
            Télécharger la simulation (XLSX)
          </a>
        </li>
        <li>
          <a className="fr-btn fr-btn--secondary" href={`${file}&format=ods`} download>
            Télécharger la simulation (ODS)
          </a>
        </li>
      </ul>
    </>
  );
}
