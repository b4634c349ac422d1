import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.ts";
import { families } from "../../db/schema/index.ts";
import { familySearchText } from "../../app/portal/family-files/family-identity.ts";
import {
  buildInboxWhere,
  nameSearchTsquery,
  parseInboxQuery,
} from "../../app/portal/dossiers/dossier-list-query.server.ts";
import { createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The name search through families_name_prefixes_idx (migration 0013, ADR 033): the prefixes only
 * narrow the candidates, the tsquery decides. These tests prove the narrowing never loses a file
 * the tsquery alone would find, and that the database really answers from the commune's keys.
 */

let handle: DatabaseHandle;
let communeId: string;
let otherCommuneId: string;

const NAMES = [
  ["BERNARD", "Marie-Claire"],
  ["BERNARDIN", "Marc"],
  ["D'ORNANO", "Éloïse"],
  ["SCHWARZENEGGER-DUPONT", "Maximilien"],
  ["ΠΑΠΑΔΟΠΟΥΛΟΣ", "Νίκος"],
  ["NGUYỄN", "Thị Mai"],
  ["ŒUVRARD", "Zoé"],
  ["MARTIN", "Jean 2"],
];

async function addFamily(collectivityId: string, familyName: string, givenNames: string, n: number) {
  await handle.db.insert(families).values({
    collectivityId,
    identityKey: `name-search-${n}`.padEnd(64, "0"),
    familyName,
    givenNames,
    searchText: familySearchText({ familyName, givenNames: givenNames.split(" ") }, []),
  });
}

beforeAll(async () => {
  handle = await createTestDatabase();
  communeId = (await createCommune(handle.db, "Angers", 801)).id;
  otherCommuneId = (await createCommune(handle.db, "Brest", 802)).id;
  let n = 0;
  for (const [family, given] of NAMES) {
    await addFamily(communeId, family!, given!, n++);
    await addFamily(otherCommuneId, family!, given!, n++);
  }
});

afterAll(async () => {
  await handle.close();
});

/** Family names the inbox's WHERE finds in a commune for the search `q`. */
async function found(collectivityId: string, q: string): Promise<string[]> {
  const where = await buildInboxWhere(handle.db, collectivityId, parseInboxQuery(new URLSearchParams({ q })));
  const rows = await handle.db.select({ name: families.familyName }).from(families).where(where);
  return rows.map((row) => row.name ?? "").sort();
}

/** What the tsquery alone finds (the search before the prefix index): the reference behaviour. */
async function foundByTsqueryAlone(collectivityId: string, q: string): Promise<string[]> {
  const tsquery = nameSearchTsquery(q);
  // A blank search is no search; one with no letter nor digit finds nothing.
  const matches = !q.trim()
    ? sql`true`
    : tsquery
      ? sql`to_tsvector('simple', search_text) @@ to_tsquery('simple', ${tsquery})`
      : sql`false`;
  const rows = await queryRows<{ name: string }>(
    handle.db,
    sql`select family_name as name from families where collectivity_id = ${collectivityId} and ${matches}`,
  );
  return rows.map((row) => row.name).sort();
}

describe("name search through the commune's prefix index", () => {
  it("finds by word prefixes, accents folded, compound and long names, other alphabets, only in the commune", async () => {
    expect(await found(communeId, "bernard mar")).toEqual(["BERNARD", "BERNARDIN"]);
    expect(await found(communeId, "claire")).toEqual(["BERNARD"]);
    expect(await found(communeId, "ornano eloi")).toEqual(["D'ORNANO"]);
    // Longer than the 10 indexed characters: the prefix narrows, the tsquery decides.
    expect(await found(communeId, "schwarzenegger")).toEqual(["SCHWARZENEGGER-DUPONT"]);
    expect(await found(communeId, "schwarzeneggerx")).toEqual([]);
    expect(await found(communeId, "παπαδ")).toEqual(["ΠΑΠΑΔΟΠΟΥΛΟΣ"]);
    expect(await found(communeId, "nguyen thi")).toEqual(["NGUYỄN"]);
    expect(await found(communeId, "oeuvr")).toEqual(["ŒUVRARD"]);
    expect(await found(communeId, "martin 2")).toEqual(["MARTIN"]);
    expect(await found(communeId, "zz")).toEqual([]);
    const [{ count }] = (await queryRows<{ count: number }>(
      handle.db,
      sql`select count(*)::int as count from families where collectivity_id = ${otherCommuneId}`,
    )) as [{ count: number }];
    expect(count).toBe(NAMES.length);
  });

  it("never loses a file the tsquery alone finds, whatever the query", async () => {
    const fragment = fc.constantFrom(...NAMES.flat().flatMap((name) => name.split(/[\s'-]/)));
    const query = fc
      .array(
        fc
          .tuple(fragment, fc.nat(12), fc.constantFrom(" ", "-", "'", " & ", "  ", ":*", "!"))
          .map(([word, length, separator]) => word.slice(0, length) + separator),
        { minLength: 1, maxLength: 2 },
      )
      .map((parts) => parts.join(""));
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        expect(await found(communeId, q)).toEqual(await foundByTsqueryAlone(communeId, q));
      }),
      { numRuns: 200 },
    );
  });

  it("answers from families_name_prefixes_idx, keyed by the commune", async () => {
    // A commune of 5,000 more files where the searched words are rare: what the index is for (with
    // a handful of rows the planner rightly reads the table). Last test: the others see no bulk.
    await handle.db.execute(sql`
      insert into families (collectivity_id, identity_key, family_name, given_names, search_text)
      select ${communeId}, 'bulk-' || i, 'X', 'Y', 'nom' || i || ' prenom' || (i % 50)
        from generate_series(1, 5000) i`);
    await handle.db.execute(sql`analyze families`);
    const where = await buildInboxWhere(
      handle.db,
      communeId,
      parseInboxQuery(new URLSearchParams({ q: "bernard mar" })),
    );
    const plan = await queryRows<{ "QUERY PLAN": string }>(
      handle.db,
      sql`explain select id from ${families} where ${where}`,
    );
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("families_name_prefixes_idx");
    expect(text).toMatch(/Index Cond: \(\(collectivity_id = .*name_prefixes\(search_text\) @> /s);
    expect(await found(communeId, "bernard mar")).toEqual(["BERNARD", "BERNARDIN"]);
  });
});
