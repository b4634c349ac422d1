import { describe, expect, it } from "vitest";
import {
  inboxPriceRange,
  inboxRangeErrors,
  inboxSearchParams,
  nameSearchTsquery,
  parseInboxQuery,
  presetStartDay,
} from "./dossier-list-query.server";

const parse = (query: string) => parseInboxQuery(new URLSearchParams(query));

const SERVICE = "0b9a4c1e-2f3d-4a5b-8c7d-1e2f3a4b5c6d";
const OTHER = "1c9a4c1e-2f3d-4a5b-8c7d-1e2f3a4b5c6d";

describe("price columns and range", () => {
  it("reads repeated service columns (distinct, well-formed, bounded) and writes them back", () => {
    const query = parse(`tarifs=${SERVICE}&tarifs=${OTHER}&tarifs=${SERVICE.toUpperCase()}&tarifs=nope`);
    expect(query.priceColumns).toEqual([SERVICE, OTHER]);
    expect(inboxSearchParams(query).getAll("tarifs")).toEqual([SERVICE, OTHER]);
    expect(inboxSearchParams(query, { tarifs: null }).getAll("tarifs")).toEqual([]);
  });

  it("reads a price range in euros, to cents", () => {
    const query = parse(`tarifService=${SERVICE}&tarifMin=1,5&tarifMax=4.20 €`);
    expect(query).toMatchObject({ priceService: SERVICE, priceMin: "1,5", priceMax: "4.20 €" });
    expect(inboxPriceRange(query)).toEqual({ range: { serviceId: SERVICE, minCents: 150, maxCents: 420 }, errors: {} });
    expect(inboxRangeErrors(query)).toEqual({});
    expect(inboxSearchParams(query).get("tarifMin")).toBe("1,5");
  });

  it("says in French on its field what is wrong with a price range", () => {
    expect(inboxRangeErrors(parse(`tarifService=${SERVICE}&tarifMin=abc&tarifMax=-3`))).toEqual({
      tarifMin:
        "Le tarif minimum doit être un montant en euros positif, avec deux décimales au plus (par exemple 4,50).",
      tarifMax:
        "Le tarif maximum doit être un montant en euros positif, avec deux décimales au plus (par exemple 4,50).",
    });
    expect(inboxRangeErrors(parse(`tarifService=${SERVICE}&tarifMin=5&tarifMax=4,5`)).tarifMax).toMatch(
      /^Le tarif maximum \(4,50\s€\) est inférieur au tarif minimum \(5,00\s€\)/,
    );
    expect(inboxRangeErrors(parse("tarifMin=2"))).toEqual({
      tarifService: "Choisissez le service dont le tarif est filtré.",
    });
    // A service alone filters nothing and is no error.
    expect(inboxPriceRange(parse(`tarifService=${SERVICE}`))).toEqual({ range: null, errors: {} });
  });
});

describe("parseInboxQuery", () => {
  it("defaults to the files to handle, newest first, 20 a page", () => {
    expect(parse("")).toEqual({
      tab: "a-traiter",
      q: "",
      period: null,
      from: null,
      to: null,
      qfMin: null,
      qfMax: null,
      priceColumns: [],
      priceService: null,
      priceMin: null,
      priceMax: null,
      provider: null,
      children: null,
      status: null,
      sort: "recu",
      direction: "desc",
      page: 1,
      pageSize: 20,
    });
  });

  it("reads every filter", () => {
    expect(
      parse(
        "onglet=tous&q=+Éloïse+&periode=mois&du=2025-01-01&au=2025-02-01&qfMin=100&qfMax=900&regime=MSA&enfants=2&statut=done&tri=qf&ordre=desc&page=3&parPage=50",
      ),
    ).toEqual({
      tab: "tous",
      q: "Éloïse",
      period: "mois",
      from: "2025-01-01",
      to: "2025-02-01",
      qfMin: 100,
      qfMax: 900,
      priceColumns: [],
      priceService: null,
      priceMin: null,
      priceMax: null,
      provider: "MSA",
      children: 2,
      status: "done",
      sort: "qf",
      direction: "desc",
      page: 3,
      pageSize: 50,
    });
  });

  it("falls back to defaults on bad values instead of failing", () => {
    const query = parse(
      "onglet=nope&periode=siecle&du=2025-02-30&au=hier&qfMin=-5&qfMax=abc&regime=XYZ&enfants=1.5&statut=lost&tri=age&ordre=up&page=0&parPage=7",
    );
    expect(query).toMatchObject({
      tab: "a-traiter",
      period: null,
      from: null,
      to: null,
      qfMin: null,
      qfMax: null,
      provider: null,
      children: null,
      status: null,
      sort: "recu",
      direction: "desc",
      page: 1,
      pageSize: 20,
    });
    expect(parse("page=100000").page).toBe(1);
    expect(parse(`q=${"a".repeat(500)}`).q).toBe("");
  });

  it("keeps bounds typed backwards as typed and says the range is empty on its field", () => {
    const qf = parse("qfMin=2000&qfMax=100");
    expect(qf).toMatchObject({ qfMin: 2000, qfMax: 100 });
    expect(inboxRangeErrors(qf)).toEqual({
      qfMax:
        "Le QF maximum (100) est inférieur au QF minimum (2\u202f000) : aucun dossier ne peut correspondre. Corrigez l’un des deux.",
    });
    const days = parse("du=2025-03-01&au=2025-01-01");
    expect(days).toMatchObject({ from: "2025-03-01", to: "2025-01-01" });
    expect(inboxRangeErrors(days).au).toMatch(/^La date de fin \(01\/01\/2025\) est antérieure à la date de début/);
    // A preset period replaces the days; equal bounds are a range of one.
    expect(inboxRangeErrors(parse("periode=mois&du=2025-03-01&au=2025-01-01"))).toEqual({});
    expect(inboxRangeErrors(parse("qfMin=500&qfMax=500"))).toEqual({});
  });

  it("sorts names A→Z by default", () => {
    expect(parse("tri=nom").direction).toBe("asc");
  });

  it("round-trips through URL params, leaving the defaults out", () => {
    const query = parse("onglet=tous&q=dupre&regime=CNAF&tri=nom&page=2");
    expect(inboxSearchParams(query).toString()).toBe("onglet=tous&q=dupre&regime=CNAF&tri=nom&page=2");
    expect(parseInboxQuery(inboxSearchParams(query))).toEqual(query);
    expect(inboxSearchParams(parse("")).toString()).toBe("");
    expect(inboxSearchParams(query, { page: null, onglet: "refuses" }).get("onglet")).toBe("refuses");
  });
});

describe("nameSearchTsquery", () => {
  it("folds accents and keeps only letters and digits, as prefixes", () => {
    expect(nameSearchTsquery("Éloïse")).toBe("eloise:*");
    expect(nameSearchTsquery("TROIS-DUPRÉ")).toBe("trois:* & dupre:*");
    expect(nameSearchTsquery("d'Ornano & | ! :*")).toBe("d:* & ornano:*");
    expect(nameSearchTsquery(" ' & ")).toBeNull();
  });
});

describe("presetStartDay", () => {
  // Wednesday 15 January 2025, 23:30 in Paris = 22:30 UTC.
  const now = new Date("2025-01-15T22:30:00Z");
  it("starts the week on Monday, the month on the 1st, the year on 1 January (Paris days)", () => {
    expect(presetStartDay("semaine", now)).toBe("2025-01-13");
    expect(presetStartDay("mois", now)).toBe("2025-01-01");
    expect(presetStartDay("annee", now)).toBe("2025-01-01");
    // Sunday 23:30 UTC is already Monday in Paris.
    expect(presetStartDay("semaine", new Date("2025-01-19T23:30:00Z"))).toBe("2025-01-20");
  });
});
