import { z } from "zod";
import type { FamilyFileStatus } from "../../../db/schema/family-files.ts";
import { parisDayStart } from "../../domain/paris-time";
import { formatCents, parseEurosToCents } from "../../domain/pricing/money";

/**
 * The agents' inbox query: URL search params → a validated query, and back. No database here,
 * so the inbox page's components can use the labels and links on the client too; the SQL built
 * from it lives in inbox-query.server.ts.
 */

export const INBOX_TABS = {
  "a-traiter": { label: "À traiter", status: "received" },
  "en-cours": { label: "En cours", status: "in_progress" },
  traites: { label: "Traités", status: "done" },
  refuses: { label: "Refusés", status: "refused" },
  erreurs: { label: "Erreurs", status: "error" },
  tous: { label: "Tous", status: null },
} as const satisfies Record<string, { label: string; status: FamilyFileStatus | null }>;
export type InboxTab = keyof typeof INBOX_TABS;
export const TAB_KEYS = Object.keys(INBOX_TABS) as [InboxTab, ...InboxTab[]];

export const STATUS_LABELS: Record<FamilyFileStatus, string> = {
  received: "À traiter",
  in_progress: "En cours",
  done: "Traité",
  refused: "Refusé",
  error: "Erreur",
};

export const PAGE_SIZES = [20, 50, 100] as const;
export const MAX_PAGE = 500;
export const DATE_PRESETS = { semaine: "Cette semaine", mois: "Ce mois-ci", annee: "Cette année" } as const;
export type DatePreset = keyof typeof DATE_PRESETS;
export const SORT_KEYS = { recu: "Date de réception", nom: "Nom", qf: "Quotient familial" } as const;
export type SortKey = keyof typeof SORT_KEYS;
/** Price columns an agent can add to the list at once (each is one CASE per row). */
export const MAX_PRICE_COLUMNS = 4;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A shipment reference as the citizen sees it: 13 hexadecimal characters. */
export const REFERENCE = /^[0-9a-f]{13}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Any bad value becomes "absent", so a hand-edited URL shows the default view instead of an error. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const intParam = (min: number, max: number) => lenient(z.coerce.number().int().min(min).max(max));

const paramsSchema = z.object({
  onglet: z.enum(TAB_KEYS).catch("a-traiter").default("a-traiter"),
  q: lenient(z.string().trim().max(200)),
  periode: lenient(z.enum(Object.keys(DATE_PRESETS) as [DatePreset, ...DatePreset[]])),
  du: lenient(z.string().regex(DAY)),
  au: lenient(z.string().regex(DAY)),
  qfMin: intParam(0, 1_000_000),
  qfMax: intParam(0, 1_000_000),
  tarifService: lenient(z.string().regex(UUID)),
  // Kept as typed: a price the agent mistyped is reported on its field (inboxRangeErrors), not dropped.
  tarifMin: lenient(z.string().trim().max(40)),
  tarifMax: lenient(z.string().trim().max(40)),
  regime: lenient(z.enum(["CNAF", "MSA"])),
  enfants: intParam(0, 30),
  statut: lenient(z.enum(["received", "in_progress", "done", "refused", "error"])),
  tri: z
    .enum(Object.keys(SORT_KEYS) as [SortKey, ...SortKey[]])
    .catch("recu")
    .default("recu"),
  ordre: lenient(z.enum(["asc", "desc"])),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).catch(1).default(1),
  parPage: z.coerce
    .number()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(20)
    .default(20),
});

export interface InboxQuery {
  tab: InboxTab;
  /** As typed (trimmed); "" when absent. */
  q: string;
  period: DatePreset | null;
  /** YYYY-MM-DD, Paris days, inclusive. */
  from: string | null;
  to: string | null;
  qfMin: number | null;
  qfMax: number | null;
  /** Services shown as price columns (ids, at most MAX_PRICE_COLUMNS); display only, not a filter. */
  priceColumns: string[];
  /** The service whose price the range filters on. */
  priceService: string | null;
  /** Price bounds in euros, as typed ("4,50"); null when absent. Checked by inboxPriceRange. */
  priceMin: string | null;
  priceMax: string | null;
  provider: "CNAF" | "MSA" | null;
  children: number | null;
  /** Only meaningful on the "tous" tab: the other tabs are a status already. */
  status: FamilyFileStatus | null;
  sort: SortKey;
  direction: "asc" | "desc";
  page: number;
  pageSize: number;
}

/** Default direction of each sort: newest first, names A→Z, lowest QF first. */
const DEFAULT_DIRECTION: Record<SortKey, "asc" | "desc"> = { recu: "desc", nom: "asc", qf: "asc" };

export function parseInboxQuery(params: URLSearchParams): InboxQuery {
  // Empty fields of a submitted GET form mean "not set".
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value.trim() !== "" && !(key in raw)) raw[key] = value;
  const p = paramsSchema.parse(raw);
  const priceColumns = [
    ...new Set(
      params
        .getAll("tarifs")
        .map((id) => id.trim().toLowerCase())
        .filter((id) => UUID.test(id)),
    ),
  ].slice(0, MAX_PRICE_COLUMNS);
  // Bounds typed backwards stay as typed: the list is then empty and the field says why
  // (inboxRangeErrors). Swapping them silently listed files the agent never asked for.
  return {
    tab: p.onglet,
    q: p.q ?? "",
    period: p.periode ?? null,
    from: validDay(p.du),
    to: validDay(p.au),
    qfMin: p.qfMin ?? null,
    qfMax: p.qfMax ?? null,
    priceColumns,
    priceService: p.tarifService?.toLowerCase() ?? null,
    priceMin: p.tarifMin ?? null,
    priceMax: p.tarifMax ?? null,
    provider: p.regime ?? null,
    children: p.enfants ?? null,
    status: p.statut ?? null,
    sort: p.tri,
    direction: p.ordre ?? DEFAULT_DIRECTION[p.tri],
    page: p.page,
    pageSize: p.parPage,
  };
}

const validDay = (day: string | undefined) => (day && parisDayStart(day) ? day : null);

/** The inbox filter fields a range error is tied to (their input names and ids). */
export type InboxRangeField = "qfMax" | "au" | "tarifService" | "tarifMin" | "tarifMax";

/** An amount in euros as an agent types it, "4,50", "4.5", "4" or "4,50 €", to cents. */
const eurosSchema = (bound: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const cents = parseEurosToCents(text);
      if (cents === null) {
        ctx.addIssue({
          code: "custom",
          message: `Le tarif ${bound} doit être un montant en euros positif, avec deux décimales au plus (par exemple 4,50).`,
        });
        return z.NEVER;
      }
      return cents;
    })
    .nullable();
// Built once: a zod schema costs more to build than to run, and every list page checks its range
// several times (the where clause, the counters, the form's errors).
const minEuros = eurosSchema("minimum");
const maxEuros = eurosSchema("maximum");

export interface InboxPriceRange {
  serviceId: string;
  /** Inclusive bounds in cents. */
  minCents: number | null;
  maxCents: number | null;
}

/**
 * The price range filter, or its errors by field in French. Null without bounds: choosing a
 * service alone filters nothing.
 */
export function inboxPriceRange(query: Pick<InboxQuery, "priceService" | "priceMin" | "priceMax">): {
  range: InboxPriceRange | null;
  errors: Partial<Record<InboxRangeField, string>>;
} {
  const errors: Partial<Record<InboxRangeField, string>> = {};
  const min = minEuros.safeParse(query.priceMin);
  const max = maxEuros.safeParse(query.priceMax);
  if (!min.success) errors.tarifMin = min.error.issues[0]!.message;
  if (!max.success) errors.tarifMax = max.error.issues[0]!.message;
  if (min.success && max.success) {
    if (min.data !== null && max.data !== null && min.data > max.data) {
      errors.tarifMax = `Le tarif maximum (${formatCents(max.data)}) est inférieur au tarif minimum (${formatCents(min.data)}) : aucun dossier ne peut correspondre. Corrigez l’un des deux.`;
    }
    if (min.data === null && max.data === null) return { range: null, errors };
  }
  if (query.priceService === null && (query.priceMin !== null || query.priceMax !== null)) {
    errors.tarifService = "Choisissez le service dont le tarif est filtré.";
  }
  if (Object.keys(errors).length > 0 || !min.success || !max.success || query.priceService === null) {
    return { range: null, errors };
  }
  return { range: { serviceId: query.priceService, minCents: min.data, maxCents: max.data }, errors };
}

const frenchDay = (day: string) => day.split("-").reverse().join("/");

/**
 * Ranges no file can fall in (a maximum below its minimum), by the field of the upper bound, in
 * French. The query then lists nothing (buildInboxWhere), and the page says why on that field.
 * Dates only count without a preset period, which replaces them.
 */
export function inboxRangeErrors(query: InboxQuery): Partial<Record<InboxRangeField, string>> {
  const errors: Partial<Record<InboxRangeField, string>> = { ...inboxPriceRange(query).errors };
  if (query.qfMin !== null && query.qfMax !== null && query.qfMin > query.qfMax) {
    errors.qfMax = `Le QF maximum (${query.qfMax.toLocaleString("fr-FR")}) est inférieur au QF minimum (${query.qfMin.toLocaleString("fr-FR")}) : aucun dossier ne peut correspondre. Corrigez l’un des deux.`;
  }
  if (!query.period && query.from && query.to && query.from > query.to) {
    errors.au = `La date de fin (${frenchDay(query.to)}) est antérieure à la date de début (${frenchDay(query.from)}) : aucun dossier ne peut correspondre. Corrigez l’une des deux.`;
  }
  return errors;
}

/**
 * Back to URL params, defaults left out so links stay short; `overrides` replaces or (with null)
 * removes a param, e.g. `{ page: "2" }` or `{ onglet: "tous", page: null }`.
 */
export function inboxSearchParams(query: InboxQuery, overrides: Record<string, string | null> = {}): URLSearchParams {
  // The price columns repeat one param (tarifs=…&tarifs=…); an override of "tarifs" removes them all.
  const entries: Record<string, string | null> = {
    onglet: query.tab === "a-traiter" ? null : query.tab,
    q: query.q || null,
    periode: query.period,
    du: query.from,
    au: query.to,
    qfMin: query.qfMin?.toString() ?? null,
    qfMax: query.qfMax?.toString() ?? null,
    tarifService: query.priceService,
    tarifMin: query.priceMin,
    tarifMax: query.priceMax,
    regime: query.provider,
    enfants: query.children?.toString() ?? null,
    statut: query.status,
    tri: query.sort === "recu" ? null : query.sort,
    ordre: query.direction === DEFAULT_DIRECTION[query.sort] ? null : query.direction,
    page: query.page === 1 ? null : String(query.page),
    parPage: query.pageSize === 20 ? null : String(query.pageSize),
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) {
    if (key === "tarifs") continue;
    if (value !== null && value !== "") params.set(key, value);
  }
  if (!("tarifs" in overrides)) for (const id of query.priceColumns) params.append("tarifs", id);
  return params;
}

/** "YYYY-MM-DD" of `now` in Paris. */
function parisToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(now);
}

/** First day (Paris) of the preset's period containing `now`: Monday, the 1st, or 1 January. */
export function presetStartDay(preset: DatePreset, now: Date): string {
  const today = parisToday(now);
  if (preset === "annee") return `${today.slice(0, 4)}-01-01`;
  if (preset === "mois") return `${today.slice(0, 7)}-01`;
  const date = new Date(`${today}T12:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - sinceMonday);
  return date.toISOString().slice(0, 10);
}
