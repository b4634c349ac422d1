import { Form, Link } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Checkbox } from "~/components/dsfr/checkbox";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { Select, type SelectOption } from "~/components/dsfr/select";
import {
  DATE_PRESETS,
  PAGE_SIZES,
  SORT_KEYS,
  STATUS_LABELS,
  type InboxQuery,
  type InboxRangeField,
} from "~/portal/dossiers/dossier-list-query";
import { CLEARED_FILTERS, type InboxLinks } from "./inbox-links";

type FilterField = { name: string; label: string; className: string; value: string; error?: string } & (
  | { kind: "input"; type: "search" | "date" | "number" | "text"; hint?: string; inputMode?: "decimal" }
  | { kind: "select"; options: SelectOption[]; note?: string }
);

const labelled = (labels: Record<string, string>): SelectOption[] =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));

const WIDE = "fr-col-6 fr-col-md-3";
// The line of dates, QF, children and status is top-aligned (fr-col--top), its labels one line
// each: an error or a note under one control (a range typed backwards, where the status applies)
// leaves every label and control in line, where the row's bottom alignment pushed that control up
// or its hint's label up.
const TOP_LINE = "fr-col-6 fr-col-md-2 fr-col--top";

/** The filter form's fields, in order: what each is called, shows and says when it is wrong. */
function filterFields(
  query: InboxQuery,
  errors: Partial<Record<InboxRangeField, string>>,
  services: readonly InboxService[],
  unknownPriceService: boolean,
): FilterField[] {
  const optional = (value: string | number | null) => (value === null ? "" : String(value));
  // The price range of one service, as the list shows it (the first child's price today).
  const priceFields: FilterField[] =
    services.length === 0 && query.priceService === null && query.priceMin === null && query.priceMax === null
      ? []
      : [
          {
            kind: "select",
            name: "tarifService",
            label: "Tarif du service",
            className: TOP_LINE,
            options: [
              { value: "", label: "Choisir un service" },
              ...services.map((service) => ({ value: service.id, label: service.name })),
            ],
            value: optional(query.priceService),
            error:
              errors.tarifService ??
              (unknownPriceService ? "Ce service n’a pas de tarif publié en vigueur aujourd’hui." : undefined),
          },
          {
            kind: "input",
            type: "text",
            inputMode: "decimal",
            name: "tarifMin",
            label: "Tarif minimum (€)",
            hint: "Par exemple 1,50",
            className: TOP_LINE,
            value: optional(query.priceMin),
            error: errors.tarifMin,
          },
          {
            kind: "input",
            type: "text",
            inputMode: "decimal",
            name: "tarifMax",
            label: "Tarif maximum (€)",
            hint: "Par exemple 4,20",
            className: TOP_LINE,
            value: optional(query.priceMax),
            error: errors.tarifMax,
          },
        ];
  return [
    {
      kind: "input",
      type: "search",
      name: "q",
      label: "Rechercher",
      hint: "Référence du dossier (13 caractères) ou nom d’un allocataire ou d’un enfant",
      className: "fr-col-12 fr-col-md-6",
      value: query.q,
    },
    {
      kind: "select",
      name: "periode",
      label: "Reçus",
      className: WIDE,
      options: [{ value: "", label: "Toutes les dates" }, ...labelled(DATE_PRESETS)],
      value: optional(query.period),
    },
    {
      kind: "select",
      name: "regime",
      label: "Régime",
      className: WIDE,
      options: [
        { value: "", label: "CAF et MSA" },
        { value: "CNAF", label: "CAF" },
        { value: "MSA", label: "MSA" },
      ],
      value: optional(query.provider),
    },
    { kind: "input", type: "date", name: "du", label: "Reçus du", className: TOP_LINE, value: optional(query.from) },
    {
      kind: "input",
      type: "date",
      name: "au",
      label: "Reçus jusqu’au",
      className: TOP_LINE,
      value: optional(query.to),
      error: errors.au,
    },
    {
      kind: "input",
      type: "number",
      name: "qfMin",
      label: "QF minimum",
      className: TOP_LINE,
      value: optional(query.qfMin),
    },
    {
      kind: "input",
      type: "number",
      name: "qfMax",
      label: "QF maximum",
      className: TOP_LINE,
      value: optional(query.qfMax),
      error: errors.qfMax,
    },
    {
      kind: "input",
      type: "number",
      name: "enfants",
      label: "Nombre d’enfants",
      className: TOP_LINE,
      value: optional(query.children),
    },
    {
      kind: "select",
      name: "statut",
      label: "Statut",
      className: TOP_LINE,
      note: query.tab === "tous" ? undefined : "Dans l’onglet « Tous »",
      options: [{ value: "", label: "Tous" }, ...labelled(STATUS_LABELS)],
      value: optional(query.status),
    },
    ...priceFields,
    {
      kind: "select",
      name: "tri",
      label: "Trier par",
      className: WIDE,
      options: labelled(SORT_KEYS),
      value: query.sort,
    },
    {
      kind: "select",
      name: "ordre",
      label: "Ordre",
      className: WIDE,
      options: [
        { value: "asc", label: "Croissant" },
        { value: "desc", label: "Décroissant" },
      ],
      value: query.direction,
    },
    {
      kind: "select",
      name: "parPage",
      label: "Par page",
      className: "fr-col-6 fr-col-md-2",
      options: PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) })),
      value: String(query.pageSize),
    },
  ];
}

/** A service with a published rule in force today. */
export interface InboxService {
  id: string;
  name: string;
}

/** "Filtrer les dossiers": a plain GET form, so every filtered list is a link. */
export function InboxFilters({
  query,
  links,
  filtered,
  rangeErrors,
  services,
  unknownPriceService,
}: {
  query: InboxQuery;
  links: InboxLinks;
  filtered: boolean;
  rangeErrors: Partial<Record<InboxRangeField, string>>;
  services: readonly InboxService[];
  unknownPriceService: boolean;
}) {
  const fields = filterFields(query, rangeErrors, services, unknownPriceService);
  const summary = fields.flatMap((field) =>
    field.error ? [{ fieldId: field.name, label: field.label, message: field.error }] : [],
  );
  return (
    <Form method="get" action={links.base} role="search" aria-label="Filtrer les dossiers" className="fr-mb-3w">
      {query.tab !== "a-traiter" ? <input type="hidden" name="onglet" value={query.tab} /> : null}
      <ErrorSummary items={summary} className="fr-mb-3w" />
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        {fields.map((field) =>
          field.kind === "input" ? (
            <Input
              key={field.name}
              className={field.className}
              name={field.name}
              type={field.type}
              min={field.type === "number" ? 0 : undefined}
              inputMode={field.inputMode}
              label={field.label}
              hint={field.hint}
              defaultValue={field.value}
              error={field.error}
            />
          ) : (
            <Select
              key={field.name}
              className={field.className}
              name={field.name}
              label={field.label}
              note={field.note}
              options={field.options}
              defaultValue={field.value}
              error={field.error}
            />
          ),
        )}
        {services.length > 0 ? (
          <fieldset className="fr-fieldset fr-col-12" aria-describedby="tarifs-hint">
            <legend className="fr-fieldset__legend fr-text--regular">
              Colonnes de tarifs
              <span className="fr-hint-text" id="tarifs-hint">
                Le tarif en vigueur aujourd’hui selon le QF du dossier (pour le 1er enfant quand le service est facturé
                par enfant)
              </span>
            </legend>
            {services.map((service) => (
              <div key={service.id} className="fr-fieldset__element fr-fieldset__element--inline">
                <Checkbox
                  small
                  name="tarifs"
                  id={`tarifs-${service.id}`}
                  value={service.id}
                  label={service.name}
                  defaultChecked={query.priceColumns.includes(service.id)}
                />
              </div>
            ))}
          </fieldset>
        ) : null}
        <div className="fr-col-6 fr-col-md-4 fr-mb-3w">
          <Button type="submit">Appliquer</Button>
          {filtered ? (
            <Link className="fr-link fr-ml-2w" to={links.href(CLEARED_FILTERS)}>
              Effacer les filtres
            </Link>
          ) : null}
        </div>
      </div>
    </Form>
  );
}
