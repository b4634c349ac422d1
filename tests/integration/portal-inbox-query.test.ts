import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.ts";
import { families, receivedCases, type FamilyFileStatus, type FamilyMember } from "../../db/schema/index.ts";
import { familySearchText } from "../../app/portal/family-files/family-identity.ts";
import {
  buildInboxWhere,
  countInboxTabs,
  inboxNeighbours,
  inboxOrderBy,
  listInbox,
  parseInboxQuery,
} from "../../app/portal/dossiers/dossier-list-query.server.ts";
import { createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** The inbox queries against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL). */

let handle: DatabaseHandle;
let communeId: string;
let otherCommuneId: string;
const ids: Record<string, string> = {};
// Wednesday 15 January 2025, noon in Paris.
const NOW = new Date("2025-01-15T11:00:00Z");

const person = (nom: string, prenoms: string, date = "2015-05-05"): FamilyMember => ({
  nom_naissance: nom,
  nom_usage: null,
  prenoms,
  date_naissance: date,
  sexe: "F",
});

async function addFamily(
  key: string,
  input: {
    collectivityId?: string;
    familyName: string;
    givenNames: string;
    children?: FamilyMember[];
    qf?: number | null;
    provider?: "CNAF" | "MSA";
    status?: FamilyFileStatus;
    receivedAt: string;
    reference?: string;
  },
) {
  const children = input.children ?? [];
  const [row] = await handle.db
    .insert(families)
    .values({
      collectivityId: input.collectivityId ?? communeId,
      identityKey: `${key}-`.padEnd(64, "0"),
      familyName: input.familyName,
      givenNames: input.givenNames,
      qfValue: input.qf === undefined ? 500 : input.qf,
      qfAnnee: 2024,
      qfMois: 12,
      qfProvider: input.provider ?? "CNAF",
      members: { allocataires: [person(input.familyName, input.givenNames, "1985-01-01")], enfants: children },
      searchText: familySearchText({ familyName: input.familyName, givenNames: input.givenNames.split(" ") }, children),
      childrenCount: children.length,
      status: input.status ?? "received",
      externalId: `EXT-${key}`,
      receivedAt: new Date(input.receivedAt),
    })
    .returning({ id: families.id });
  ids[key] = row!.id;
  if (input.reference) {
    await handle.db.insert(receivedCases).values({
      collectivityId: input.collectivityId ?? communeId,
      familyId: row!.id,
      hubeeCaseId: `case-${key}`,
      hubeeExternalId: `Formulaire-QF-${input.reference}`,
      reference: input.reference,
      hubeeStatus: "SI_RECEIVED",
      receivedAt: new Date(input.receivedAt),
    });
  }
}

const q = (params: string) => parseInboxQuery(new URLSearchParams(params));
const names = async (params: string, collectivityId = communeId) =>
  (await listInbox(handle.db, collectivityId, q(params), NOW)).rows.map((row) => row.familyName);

beforeAll(async () => {
  handle = await createTestDatabase();
  communeId = (await createCommune(handle.db, "Angers", 201)).id;
  otherCommuneId = (await createCommune(handle.db, "Autre", 202)).id;
  await addFamily("martin", {
    familyName: "MARTIN",
    givenNames: "Éloïse Marie",
    children: [person("MARTIN", "Léa"), person("MARTIN", "Noé")],
    qf: 320,
    receivedAt: "2025-01-14T09:00:00Z",
    reference: "A1B2C3D4E5F60",
  });
  await addFamily("trois", {
    familyName: "TROIS-DUPRÉ",
    givenNames: "Jean",
    children: [person("TROIS-DUPRÉ", "Chloé")],
    qf: 1200,
    provider: "MSA",
    receivedAt: "2025-01-02T09:00:00Z",
    reference: "00000000000AB",
  });
  await addFamily("bernard", {
    familyName: "BERNARD",
    givenNames: "Paul",
    qf: 800,
    status: "in_progress",
    receivedAt: "2024-12-20T09:00:00Z",
  });
  await addFamily("durand", {
    familyName: "DURAND",
    givenNames: "Lucie",
    children: [person("DURAND", "Eloise")],
    qf: null,
    status: "done",
    receivedAt: "2024-06-01T09:00:00Z",
  });
  await addFamily("error", {
    familyName: "ILLISIBLE",
    givenNames: "",
    qf: null,
    status: "error",
    receivedAt: "2025-01-15T08:00:00Z",
  });
  // Another commune's family, with the same names and a reference: never shown to Angers.
  await addFamily("foreign", {
    collectivityId: otherCommuneId,
    familyName: "MARTIN",
    givenNames: "Éloïse",
    receivedAt: "2025-01-15T09:00:00Z",
    reference: "FFFFFFFFFFFFF",
  });
  // Page-size boundaries: 45 more files to handle, one a day before the others.
  for (let i = 0; i < 45; i++) {
    await addFamily(`bulk${i}`, {
      familyName: `ZZ${String(i).padStart(2, "0")}`,
      givenNames: "Bulk",
      qf: 1000 + i,
      receivedAt: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString(),
    });
  }
});

afterAll(async () => {
  await handle?.close();
});

describe("tabs and counters", () => {
  it("counts every tab in one grouped query, with the same search and filters", async () => {
    expect(await countInboxTabs(handle.db, communeId, q(""), NOW)).toEqual({
      "a-traiter": 47,
      "en-cours": 1,
      traites: 1,
      refuses: 0,
      erreurs: 1,
      tous: 50,
    });
    expect(await countInboxTabs(handle.db, communeId, q("q=eloise"), NOW)).toMatchObject({
      "a-traiter": 1,
      traites: 1,
      tous: 2,
    });
  });

  it("lists a tab's status only; 'tous' narrows with the status filter", async () => {
    expect(await names("onglet=en-cours")).toEqual(["BERNARD"]);
    expect(await names("onglet=erreurs")).toEqual(["ILLISIBLE"]);
    expect(await names("onglet=tous&statut=done")).toEqual(["DURAND"]);
    expect((await listInbox(handle.db, communeId, q("onglet=tous&statut=done"), NOW)).total).toBe(1);
  });
});

describe("search", () => {
  it("finds a reference exactly, whatever its case, before any name", async () => {
    expect(await names("onglet=tous&q=a1b2c3d4e5f60")).toEqual(["MARTIN"]);
    expect(await names("onglet=tous&q=00000000000AB")).toEqual(["TROIS-DUPRÉ"]);
    // Another commune's reference is not found here.
    expect(await names("onglet=tous&q=FFFFFFFFFFFFF")).toEqual([]);
  });

  it("ignores accents and case, on allocataires and children, compound names included", async () => {
    expect(await names("onglet=tous&q=eloise")).toEqual(["MARTIN", "DURAND"]);
    expect(await names("onglet=tous&q=ÉLOÏSE martin")).toEqual(["MARTIN"]);
    expect(await names("onglet=tous&q=trois dupre")).toEqual(["TROIS-DUPRÉ"]);
    expect(await names("onglet=tous&q=TROIS-DUPRE")).toEqual(["TROIS-DUPRÉ"]);
    expect(await names("onglet=tous&q=dupr")).toEqual(["TROIS-DUPRÉ"]);
    expect(await names("onglet=tous&q=chloe")).toEqual(["TROIS-DUPRÉ"]);
    expect(await names("onglet=tous&q=personne")).toEqual([]);
    expect(await names("onglet=tous&q=%26%7C!")).toEqual([]);
  });
});

describe("filters", () => {
  it("filters on the received date: presets and range (Paris days, inclusive)", async () => {
    expect(await names("onglet=tous&periode=semaine")).toEqual(["ILLISIBLE", "MARTIN"]);
    expect(await names("onglet=tous&periode=mois")).toEqual(["ILLISIBLE", "MARTIN", "TROIS-DUPRÉ"]);
    expect((await listInbox(handle.db, communeId, q("onglet=tous&periode=annee"), NOW)).total).toBe(3);
    expect(await names("onglet=tous&du=2024-12-20&au=2025-01-02")).toEqual(["TROIS-DUPRÉ", "BERNARD"]);
    expect(await names("onglet=tous&au=2024-06-01&parPage=100")).toHaveLength(46);
  });

  it("filters on QF range, provider and number of children", async () => {
    expect(await names("onglet=tous&qfMin=300&qfMax=800")).toEqual(["MARTIN", "BERNARD"]);
    expect(await names("onglet=tous&regime=MSA")).toEqual(["TROIS-DUPRÉ"]);
    expect(await names("onglet=tous&enfants=2")).toEqual(["MARTIN"]);
    expect(await names("onglet=tous&enfants=1")).toEqual(["TROIS-DUPRÉ", "DURAND"]);
  });
});

describe("sorts and pages", () => {
  it("sorts by received date, name or QF, both ways, unknown QFs last", async () => {
    const firstFive = async (params: string) => (await names(params)).slice(0, 5);
    expect(await firstFive("onglet=tous")).toEqual(["ILLISIBLE", "MARTIN", "TROIS-DUPRÉ", "BERNARD", "DURAND"]);
    expect(await firstFive("onglet=tous&tri=nom")).toEqual(["BERNARD", "DURAND", "ILLISIBLE", "MARTIN", "TROIS-DUPRÉ"]);
    expect(await firstFive("onglet=tous&tri=qf")).toEqual(["MARTIN", "BERNARD", "ZZ00", "ZZ01", "ZZ02"]);
    expect((await names("onglet=tous&tri=qf&parPage=100")).slice(-2).sort()).toEqual(["DURAND", "ILLISIBLE"]);
    expect(await firstFive("onglet=tous&tri=qf&ordre=desc")).toEqual(["TROIS-DUPRÉ", "ZZ44", "ZZ43", "ZZ42", "ZZ41"]);
    expect((await names("onglet=tous&tri=recu&ordre=asc"))[0]).toBe("ZZ00");
  });

  it("pages through the tab without gaps or overlaps, and clamps a page past the end", async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => listInbox(handle.db, communeId, q(`page=${page}`), NOW)));
    expect(pages.map((p) => p.rows.length)).toEqual([20, 20, 7]);
    expect(pages[0]!.pageCount).toBe(3);
    const all = pages.flatMap((p) => p.rows.map((row) => row.id));
    expect(new Set(all).size).toBe(47);
    const past = await listInbox(handle.db, communeId, q("page=9"), NOW);
    expect(past.rows.map((r) => r.id)).toEqual(pages[2]!.rows.map((r) => r.id));
    expect((await listInbox(handle.db, communeId, q("parPage=50"), NOW)).rows).toHaveLength(47);
    // The latest transmission's reference comes with each row.
    expect(pages[0]!.rows.find((row) => row.familyName === "MARTIN")?.reference).toBe("A1B2C3D4E5F60");
  });
});

describe("scope", () => {
  it("never shows another commune's families", async () => {
    expect(await names("onglet=tous&q=martin")).toEqual(["MARTIN"]);
    const foreign = await listInbox(handle.db, otherCommuneId, q("onglet=tous"), NOW);
    expect(foreign.rows.map((row) => row.id)).toEqual([ids.foreign]);
  });

  it("gives the previous and next files of the same search, with the exported builder", async () => {
    const query = q("onglet=tous&tri=nom");
    expect(await inboxNeighbours(handle.db, communeId, query, ids.durand!, NOW)).toEqual({
      previous: ids.bernard,
      next: ids.error,
    });
    expect(await inboxNeighbours(handle.db, communeId, query, ids.bernard!, NOW)).toMatchObject({ previous: null });
    // A file outside the search has no neighbours.
    expect(await inboxNeighbours(handle.db, communeId, q("q=martin"), ids.durand!, NOW)).toEqual({
      previous: null,
      next: null,
    });
    // What an export would run: the same WHERE and ORDER BY, without a page.
    const where = await buildInboxWhere(handle.db, communeId, q("onglet=tous&q=eloise&tri=nom"), { now: NOW });
    const rows = await handle.db
      .select({ name: families.familyName })
      .from(families)
      .where(where)
      .orderBy(...inboxOrderBy(q("tri=nom")));
    expect(rows.map((row) => row.name)).toEqual(["DURAND", "MARTIN"]);
  });

  it("gives every file of a list with ties and unknown values the neighbours of the full ordered list", async () => {
    // A commune of its own: equal names, equal dates, equal QFs and NULLs in each nullable key.
    const tiesId = (await createCommune(handle.db, "Égalités", 203)).id;
    const nameOf = [null, "ADAM", "ADAM", "BLANC", null, "ADAM"];
    const givenOf = ["Ana", null, "Ana", "Ana", null, "Ana"];
    const qfOf = [null, 400, 400, null, 900, 400];
    for (let i = 0; i < 18; i++) {
      await handle.db.insert(families).values({
        collectivityId: tiesId,
        identityKey: `ties-${i}-`.padEnd(64, "0"),
        familyName: nameOf[i % 6],
        givenNames: givenOf[(i >> 1) % 6],
        qfValue: qfOf[(i * 5) % 6],
        members: { allocataires: [], enfants: [] },
        searchText: "adam ana",
        childrenCount: 0,
        status: i % 4 === 0 ? "done" : "received",
        receivedAt: new Date(Date.UTC(2025, 0, 1 + (i % 3))),
      });
    }
    for (const params of ["tri=nom", "tri=nom&ordre=desc", "tri=qf", "tri=qf&ordre=desc", "", "tri=recu&ordre=asc"]) {
      for (const scope of ["onglet=tous", "onglet=a-traiter", "onglet=tous&q=adam"]) {
        const query = q(`${scope}&${params}`);
        const where = await buildInboxWhere(handle.db, tiesId, query, { now: NOW });
        const ordered = (
          await handle.db
            .select({ id: families.id })
            .from(families)
            .where(where)
            .orderBy(...inboxOrderBy(query))
        ).map((row) => row.id);
        expect(ordered.length, `${scope}&${params}`).toBeGreaterThan(3);
        for (const [index, id] of ordered.entries()) {
          expect(await inboxNeighbours(handle.db, tiesId, query, id, NOW), `${scope}&${params} #${index}`).toEqual({
            previous: ordered[index - 1] ?? null,
            next: ordered[index + 1] ?? null,
          });
        }
      }
    }
  });

  it("uses the GIN index expression for the name search", async () => {
    const where = await buildInboxWhere(handle.db, communeId, q("q=dupre"), { now: NOW });
    const query = handle.db.select({ id: families.id }).from(families).where(where).toSQL();
    expect(query.sql).toContain("to_tsvector('simple', \"families\".\"search_text\") @@ to_tsquery('simple', $");
    await handle.db.execute(sql`select 1`);
  });

  it("counts the tabs of a QF range from families_qf_idx alone, without reading the families", async () => {
    // A commune of 5,000 files, vacuumed (index-only scans need the visibility map), a range of 2 %:
    // without the status in the index (migration 0016), the plan has to read each matching family.
    const bulkId = (await createCommune(handle.db, "Grande", 204)).id;
    await handle.db.execute(sql`
      insert into families (collectivity_id, identity_key, qf_value, status)
      select ${bulkId}, 'bulk-' || i, i % 3000, (array['received', 'in_progress', 'done'])[1 + i % 3]
        from generate_series(1, 5000) i`);
    await handle.db.execute(sql`vacuum analyze families`);
    expect(await countersPlan(bulkId, "qfMin=1000&qfMax=1060")).toMatch(/Index Only Scan using families_qf_idx/);
  });

  it("counts the tabs of any filter combination from families_filters_idx alone (ADR 040)", async () => {
    // Without it, « régime MSA » alone read every family of the commune, or the whole table
    // (a parallel sequential scan of 5 million files: 600 ms); the children, QF, date and status
    // filters each read their matches in the table.
    const bulkId = (await createCommune(handle.db, "Filtres", 205)).id;
    await handle.db.execute(sql`
      insert into families (collectivity_id, identity_key, qf_value, qf_provider, children_count, received_at, status)
      select ${bulkId}, 'filters-' || i, i % 3000, case when i % 10 = 0 then 'MSA' else 'CNAF' end, i % 6,
        ${NOW.toISOString()}::timestamptz - make_interval(days => i % 700),
        (array['received', 'in_progress', 'done'])[1 + i % 3]
        from generate_series(1, 5000) i`);
    await handle.db.execute(sql`vacuum analyze families`);
    for (const filters of ["regime=MSA", "enfants=2&qfMin=500&qfMax=1200", "periode=annee&regime=CNAF&enfants=1"]) {
      expect(await countersPlan(bulkId, filters)).toMatch(/Index Only Scan using families_filters_idx/);
    }
  });
  /**
   * The plan of the tab counters' grouped query for `filters`, with sequential and bitmap scans
   * off: what is left is the index path, and whether it still has to read the table.
   */
  async function countersPlan(collectivityId: string, filters: string): Promise<string> {
    const where = await buildInboxWhere(handle.db, collectivityId, q(filters), { ignoreStatus: true, now: NOW });
    const plan = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = off`);
      return queryRows<{ "QUERY PLAN": string }>(
        tx,
        sql`explain select ${families.status}, count(*) from ${families} where ${where} group by ${families.status}`,
      );
    });
    return plan.map((row) => row["QUERY PLAN"]).join("\n");
  }
});
