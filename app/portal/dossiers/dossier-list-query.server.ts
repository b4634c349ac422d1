import { and, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { queryRows, type Database } from "../../../db/client.ts";
import { families, familyStatusCounts, receivedCases, type FamilyFileStatus } from "../../../db/schema/index.ts";
import {
  INBOX_TABS,
  inboxPriceRange,
  inboxRangeErrors,
  MAX_PAGE,
  presetStartDay,
  REFERENCE,
  TAB_KEYS,
  type InboxQuery,
  type InboxTab,
} from "./dossier-list-query";
import { foldForSearch } from "../family-files/family-identity";
import { parisDayEnd, parisDayStart, parisToday } from "../../domain/paris-time";
import { qfSetForPriceRange, type QfSet } from "../../domain/pricing/qf-ranges-for-price";
import { priceSql } from "../tariffs/price-sql.server";
import { loadServicesInForce, type ServiceInForce } from "../tariffs/services-in-force.server";

// The parsing half, for server callers that want one import.
export * from "./dossier-list-query";

/**
 * The agents' inbox: URL search params → a validated query → SQL. One module, so the inbox page,
 * the previous/next links of a file and the export all work on exactly the same scope.
 *
 * Pagination is by bounded offset: pages hold at most 100 rows and the page number is capped
 * (MAX_PAGE), so the deepest offset a request can ask for is 50 000 rows of an index scan on
 * families_inbox_idx / families_received_idx. Keyset pagination would not give page numbers
 * nor the "name" and "QF" sorts the agents asked for; a commune's inbox stays far below that bound.
 */

/** The folded words of a name search (letters and digits only, at most 8). */
function nameSearchWords(q: string): string[] {
  return (foldForSearch(q).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/**
 * Name search terms as a tsquery: folded like families.search_text, split into letters and
 * digits only (so nothing reaches to_tsquery's syntax), each a prefix ("dup" finds "dupre").
 */
export function nameSearchTsquery(q: string): string | null {
  const words = nameSearchWords(q);
  if (words.length === 0) return null;
  return words.map((word) => `${word}:*`).join(" & ");
}

export interface InboxWhereOptions {
  /** For the tab counters: everything but the tab and the status filter. */
  ignoreStatus?: boolean;
  now?: Date;
}

/**
 * The WHERE of the current tab, search and filters, scoped to the commune. Async because a
 * reference-looking search first checks whether that reference exists: if it does, the result is
 * that file alone ("exact match first"); otherwise it is searched as a name.
 */
export async function buildInboxWhere(
  db: Database,
  collectivityId: string,
  query: InboxQuery,
  options: InboxWhereOptions = {},
): Promise<SQL> {
  const conditions = await inboxConditions(db, collectivityId, query, options.now);
  return and(...conditions, options.ignoreStatus ? undefined : tabStatusCondition(query))!;
}

/** The current tab's status (or the status filter of « Tous »), if it has one. */
function tabStatusCondition(query: InboxQuery): SQL | undefined {
  const status = INBOX_TABS[query.tab].status ?? query.status;
  return status ? eq(families.status, status) : undefined;
}

/** Every condition of buildInboxWhere but the tab's status: what the tab counters count over. */
async function inboxConditions(
  db: Database,
  collectivityId: string,
  query: InboxQuery,
  now = new Date(),
): Promise<(SQL | undefined)[]> {
  const conditions: (SQL | undefined)[] = [eq(families.collectivityId, collectivityId)];
  // A backwards range matches nothing: said outright, for the list, its counters, exports and campaigns alike.
  if (Object.keys(inboxRangeErrors(query)).length > 0) conditions.push(sql`false`);
  const q = query.q.trim();
  if (q) {
    const byReference = REFERENCE.test(q) ? await familiesWithReference(db, collectivityId, q.toUpperCase()) : [];
    if (byReference.length > 0) {
      conditions.push(inArray(families.id, byReference));
    } else {
      const tsquery = nameSearchTsquery(q);
      // The prefixes find the commune's candidates in families_name_prefixes_idx (ADR 033); the
      // tsquery then decides, as before (words longer than the indexed prefixes, exact semantics).
      conditions.push(
        tsquery
          ? sql`name_prefixes(${families.searchText}) @> name_search_keys(${nameSearchWords(q).join(" ")})
              and to_tsvector('simple', ${families.searchText}) @@ to_tsquery('simple', ${tsquery})`
          : sql`false`,
      );
    }
  }
  const fromDay = query.period ? presetStartDay(query.period, now) : query.from;
  const toDay = query.period ? null : query.to;
  const start = fromDay ? parisDayStart(fromDay) : null;
  const end = toDay ? parisDayEnd(toDay) : null;
  if (start) conditions.push(gte(families.receivedAt, start));
  if (end) conditions.push(lt(families.receivedAt, end));
  if (query.qfMin !== null) conditions.push(gte(families.qfValue, query.qfMin));
  if (query.qfMax !== null) conditions.push(lte(families.qfValue, query.qfMax));
  if (query.provider) conditions.push(eq(families.qfProvider, query.provider));
  if (query.children !== null) conditions.push(eq(families.childrenCount, query.children));
  const { range } = inboxPriceRange(query);
  if (range) {
    // The first child's price under the rule in force today (Paris), as the price column shows it.
    const [service] = await loadServicesInForce(db, collectivityId, parisToday(now), [range.serviceId]);
    if (!service) {
      // Another commune's service, or none in force today: no family has a price to compare.
      conditions.push(sql`false`);
    } else {
      // The QFs those prices come from: answered from the commune's QF index, no family priced.
      conditions.push(qfSetCondition(qfSetForPriceRange(service.rule, range.minCents, range.maxCents)));
    }
  }
  return conditions;
}

/** "The family's QF is in this set", as index ranges on families_qf_idx. */
function qfSetCondition(set: QfSet): SQL {
  const arms = set.intervals.map(({ min, max }) =>
    max === null ? gte(families.qfValue, min) : and(gte(families.qfValue, min), lte(families.qfValue, max))!,
  );
  if (set.unknownQf) arms.push(isNull(families.qfValue));
  return arms.length === 0 ? sql`false` : or(...arms)!;
}

async function familiesWithReference(db: Database, collectivityId: string, reference: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ familyId: receivedCases.familyId })
    .from(receivedCases)
    .where(
      // References are stored upper-case (referenceFromExternalId): a plain equality uses
      // received_cases_reference_idx, where upper(reference) scanned the commune's every case.
      and(eq(receivedCases.collectivityId, collectivityId), eq(receivedCases.reference, reference)),
    );
  return rows.map((row) => row.familyId);
}

/** One key of the inbox's order; nullable keys sort their NULLs last in both directions. */
interface InboxSortKey {
  column: AnyPgColumn;
  nullable: boolean;
  /** SQL type, to read a file's value as text and bind it back unchanged. */
  type: "text" | "integer" | "timestamptz" | "uuid";
}

/** The order's keys; the id always last so the order is total (stable pages, neighbours). */
function inboxSortKeys(query: InboxQuery): InboxSortKey[] {
  switch (query.sort) {
    case "nom":
      return [
        { column: families.familyName, nullable: true, type: "text" },
        { column: families.givenNames, nullable: true, type: "text" },
        { column: families.id, nullable: false, type: "uuid" },
      ];
    case "qf":
      return [
        { column: families.qfValue, nullable: true, type: "integer" },
        { column: families.id, nullable: false, type: "uuid" },
      ];
    case "recu":
      return [
        { column: families.receivedAt, nullable: false, type: "timestamptz" },
        { column: families.id, nullable: false, type: "uuid" },
      ];
  }
}

/** ORDER BY of the query (see inboxSortKeys). */
export function inboxOrderBy(query: InboxQuery): SQL[] {
  return sortOrder(inboxSortKeys(query), query.direction);
}

/** The keys' ORDER BY; `backwards` walks the same order from its end (its NULLs then come first). */
function sortOrder(keys: InboxSortKey[], direction: "asc" | "desc", backwards = false): SQL[] {
  const dir = sql.raw(backwards ? (direction === "asc" ? "desc" : "asc") : direction);
  const nulls = sql.raw(backwards ? "nulls first" : "nulls last");
  return keys.map(({ column, nullable }) => (nullable ? sql`${column} ${dir} ${nulls}` : sql`${column} ${dir}`));
}

export interface InboxRow {
  id: string;
  reference: string | null;
  receivedAt: Date;
  familyName: string | null;
  givenNames: string | null;
  qfValue: number | null;
  qfAnnee: number | null;
  qfMois: number | null;
  qfProvider: "CNAF" | "MSA" | null;
  childrenCount: number;
  status: FamilyFileStatus;
  externalId: string | null;
  ingestionError: string | null;
  /** Cents, one per InboxPage.priceColumns, in that order. */
  prices: number[];
}

export interface InboxPage {
  rows: InboxRow[];
  /** The services asked for as columns that have a rule in force today. */
  priceColumns: ServiceInForce[];
  /** Rows in the current tab (with search and filters). */
  total: number;
  pageCount: number;
  /** Per tab, with the same search and filters. */
  counts: Record<InboxTab, number>;
}

/** The latest transmission's reference, through received_cases_family_idx. */
// Spelled out with an alias: drizzle renders columns unqualified in a single-table select, which
// would make "id" here the subquery's own.
const latestReference = sql<string | null>`(
  select rc.reference from received_cases rc
  where rc.family_id = "families"."id"
  order by rc.received_at desc limit 1
)`;

export const inboxColumns = {
  id: families.id,
  reference: latestReference,
  receivedAt: families.receivedAt,
  familyName: families.familyName,
  givenNames: families.givenNames,
  qfValue: families.qfValue,
  qfAnnee: families.qfAnnee,
  qfMois: families.qfMois,
  qfProvider: families.qfProvider,
  childrenCount: families.childrenCount,
  status: families.status,
  externalId: families.externalId,
  ingestionError: families.ingestionError,
};

/** Tab counters in one grouped query. */
export async function countInboxTabs(
  db: Database,
  collectivityId: string,
  query: InboxQuery,
  now?: Date,
): Promise<Record<InboxTab, number>> {
  const filter = isUnfiltered(query) ? null : and(...(await inboxConditions(db, collectivityId, query, now)))!;
  return countTabs(db, collectivityId, query, filter);
}

/** No search and no filter: the tabs are counted from the counters kept per commune and status. */
function isUnfiltered(query: InboxQuery): boolean {
  return (
    query.q.trim() === "" &&
    query.period === null &&
    query.from === null &&
    query.to === null &&
    query.qfMin === null &&
    query.qfMax === null &&
    query.provider === null &&
    query.children === null &&
    query.priceMin === null &&
    query.priceMax === null
  );
}

/**
 * The tab counters in one grouped query over `filter` (the search and filters, without the tab's
 * status), or, with no filter, the counters kept by the families trigger: constant time whatever
 * the commune's size (issue 20).
 */
async function countTabs(
  db: Database,
  collectivityId: string,
  query: InboxQuery,
  filter: SQL | null,
): Promise<Record<InboxTab, number>> {
  const rows = filter
    ? await db
        .select({ status: families.status, count: sql<number>`count(*)::int` })
        .from(families)
        .where(filter)
        .groupBy(families.status)
    : await db
        .select({ status: familyStatusCounts.status, count: familyStatusCounts.count })
        .from(familyStatusCounts)
        .where(eq(familyStatusCounts.collectivityId, collectivityId));
  const byStatus = new Map(rows.map((row) => [row.status, Number(row.count)]));
  const counts = {} as Record<InboxTab, number>;
  for (const tab of TAB_KEYS) {
    const status = INBOX_TABS[tab].status;
    counts[tab] = status ? (byStatus.get(status) ?? 0) : [...byStatus.values()].reduce((a, b) => a + b, 0);
  }
  // "Tous" with a status filter counts that status only, like its list.
  if (query.status) counts.tous = byStatus.get(query.status) ?? 0;
  return counts;
}

export async function listInbox(
  db: Database,
  collectivityId: string,
  query: InboxQuery,
  now?: Date,
): Promise<InboxPage> {
  // Under load, each round trip a page waits for is a turn behind every other request of the
  // process: what the statements depend on is read first and once (the searched reference, the
  // rules of the price filter and columns), then the counters and the page's rows side by side.
  const [conditions, priceColumns] = await Promise.all([
    inboxConditions(db, collectivityId, query, now),
    loadServicesInForce(db, collectivityId, parisToday(now), query.priceColumns),
  ]);
  const where = and(...conditions, tabStatusCondition(query))!;
  // One CASE per service on the page's rows only (computed after the join, never for skipped rows).
  const priceSelect = Object.fromEntries(
    priceColumns.map((service, i) => [`price${i}`, priceSql(service.rule, sql`${families.qfValue}`)]),
  );
  // The page's ids first, then its columns: PostgreSQL computes the select list (the latest
  // reference's subquery, the heap columns) for every row an OFFSET skips. Paging on ids alone
  // lets a deep page walk families_received_idx / families_inbox_idx as an index-only scan
  // (bench/RESULTS.md: at 50 000 files, page 500 took 0.6 s of execution before, under 15 ms after).
  const pageRows = (pageNumber: number) => {
    const page = db
      .select({ id: families.id })
      .from(families)
      .where(where)
      .orderBy(...inboxOrderBy(query))
      .limit(query.pageSize)
      .offset((pageNumber - 1) * query.pageSize)
      .as("page");
    return db
      .select({ ...inboxColumns, ...priceSelect })
      .from(families)
      .innerJoin(page, eq(families.id, page.id))
      .orderBy(...inboxOrderBy(query));
  };
  const [counts, asked] = await Promise.all([
    countTabs(db, collectivityId, query, isUnfiltered(query) ? null : and(...conditions)!),
    pageRows(query.page),
  ]);
  const total = counts[query.tab];
  const pageCount = Math.max(1, Math.min(MAX_PAGE, Math.ceil(total / query.pageSize)));
  // A page past the end (an old link, a list that shrank) shows the last page instead.
  const rows = query.page > pageCount ? await pageRows(pageCount) : asked;
  return {
    rows: rows.map((row) => {
      const record = row as Record<string, unknown>;
      return { ...row, prices: priceColumns.map((_, i) => Number(record[`price${i}`])) } as InboxRow;
    }),
    priceColumns,
    total,
    pageCount,
    counts,
  };
}

/**
 * The files before and after `familyId` in the same search and order; nulls at the ends or when it
 * left the list. Keyset conditions on the file's own sort values, bound as constants so the sort's
 * index serves a range: the neighbours are each the first row of an ordered scan from the file, so
 * the cost does not grow with the list. Ranking the whole list (window functions) read and sorted
 * every file of the search for each file opened; counting the rows before the file (its position,
 * which the page never showed) grew with its rank: 73 ms in the middle of a 250 000-file list.
 */
export async function inboxNeighbours(
  db: Database,
  collectivityId: string,
  query: InboxQuery,
  familyId: string,
  now?: Date,
): Promise<{ previous: string | null; next: string | null }> {
  const where = await buildInboxWhere(db, collectivityId, query, { now });
  const keys = inboxSortKeys(query);
  // Read as text and bound back with the column's type: no value changes on the way (timestamps keep
  // their microseconds, which a JavaScript Date would cut).
  const [current] = await queryRows<Record<string, string | null>>(
    db,
    sql`select ${sql.join(
      keys.map((key, i) => sql`${key.column}::text as ${sql.raw(`k${i}`)}`),
      sql`, `,
    )} from ${families} where ${families.id} = ${familyId}::uuid and ${where}`,
  );
  if (!current) return { previous: null, next: null };
  const values = keys.map((key, i) => {
    const value = current[`k${i}`] ?? null;
    return value === null ? null : sql`${value}::${sql.raw(key.type)}`;
  });
  const order = sortOrder(keys, query.direction);
  const reversedOrder = sortOrder(keys, query.direction, true);
  const first = (condition: SQL, by: SQL[]) =>
    sql`(select ${families.id} from ${families} where ${where} and ${condition} order by ${sql.join(by, sql`, `)} limit 1)`;
  const before = keysetCondition(keys, values, query.direction, "before");
  const after = keysetCondition(keys, values, query.direction, "after");
  // After a known leading value come the greater ones, then the NULLs: two bounded scans, the second
  // only read when the first finds nothing.
  const next =
    keys[0]!.nullable && values[0] !== null
      ? sql`coalesce(${first(after, order)}, ${first(sql`${keys[0]!.column} is null`, order)})`
      : first(after, order);
  const [row] = await queryRows<{ previous: string | null; next: string | null }>(
    db,
    sql`select ${first(before, reversedOrder)} as previous, ${next} as next`,
  );
  return { previous: row?.previous ?? null, next: row?.next ?? null };
}

/**
 * Rows strictly before or after the file's sort values, NULLs last. Leaves out the rows whose
 * leading key is NULL when the file's is not: those come after it, and the caller reads them
 * separately, so that the rest starts with a plain range on the leading key, which the index serves.
 */
function keysetCondition(
  keys: InboxSortKey[],
  values: (SQL | null)[],
  direction: "asc" | "desc",
  side: "after" | "before",
): SQL {
  // After, in an ascending order, means greater.
  const strict = sql.raw((direction === "asc") === (side === "after") ? ">" : "<");
  const orEqual = sql.raw((direction === "asc") === (side === "after") ? ">=" : "<=");
  let condition: SQL | null = null;
  for (let i = keys.length - 1; i >= 0; i--) {
    const { column, nullable } = keys[i]!;
    const value = values[i]!;
    let strictly: SQL | null;
    if (value === null) {
      // Nothing comes after a NULL on this key; every value comes before it.
      strictly = side === "after" ? null : sql`${column} is not null`;
    } else {
      // A NULL comes after any value; for the leading key, those rows are the caller's second scan.
      strictly =
        side === "after" && nullable && i > 0
          ? sql`(${column} ${strict} ${value} or ${column} is null)`
          : sql`${column} ${strict} ${value}`;
    }
    const equal = value === null ? sql`${column} is null` : sql`${column} = ${value}`;
    const tie: SQL | null = condition === null ? null : sql`(${equal} and ${condition})`;
    condition = strictly && tie ? sql`(${strictly} or ${tie})` : (strictly ?? tie ?? sql`false`);
  }
  const leading = values[0];
  // The redundant range on the leading key is what the index scan starts from.
  return leading === null || leading === undefined
    ? condition!
    : sql`${keys[0]!.column} ${orEqual} ${leading} and ${condition}`;
}
