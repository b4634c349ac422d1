import { describe, expect, it } from "vitest";
import { parseCampaignRequest, parsePeriod, searchCampaignHref } from "./campaign-request";

describe("parsePeriod", () => {
  const current = { annee: 2026, mois: 3 };
  it("defaults to the current month", () => {
    expect(parsePeriod({ annee: "", mois: null }, current)).toEqual({ ok: true, period: current });
  });
  it("accepts a past month of the last two years", () => {
    expect(parsePeriod({ annee: "2024", mois: "1" }, current)).toEqual({ ok: true, period: { annee: 2024, mois: 1 } });
  });
  it("refuses a month that has not started, a year out of range, a bad month", () => {
    expect(parsePeriod({ annee: "2026", mois: "4" }, current)).toMatchObject({
      ok: false,
      errors: { mois: expect.stringContaining("pas encore commencé") },
    });
    expect(parsePeriod({ annee: "2023", mois: "5" }, current)).toMatchObject({
      ok: false,
      errors: { annee: "Saisissez une année entre 2024 et 2026." },
    });
    expect(parsePeriod({ annee: "2025", mois: "0" }, current)).toMatchObject({
      ok: false,
      errors: { mois: "Choisissez un mois." },
    });
  });
});

describe("parseCampaignRequest", () => {
  it("keeps the inbox params of a search, without its page", () => {
    const parsed = parseCampaignRequest(new URLSearchParams("portee=recherche&q=dupont&onglet=tous&page=4&annee=2026"));
    expect(parsed).toMatchObject({ scope: "search", searchParams: "onglet=tous&q=dupont" });
  });
  it("reads the checked files, and falls back to all for an unknown scope", () => {
    expect(parseCampaignRequest(new URLSearchParams("portee=selection&dossier=a&dossier=b"))).toEqual({
      scope: "selection",
      ids: ["a", "b"],
    });
    expect(parseCampaignRequest(new URLSearchParams("portee=n-importe"))).toEqual({ scope: "all" });
    // Own keys only: Object's members are unknown scopes too.
    for (const key of ["constructor", "toString", "__proto__"]) {
      expect(parseCampaignRequest(new URLSearchParams(`portee=${key}`))).toEqual({ scope: "all" });
    }
  });
  it("links a search to its confirmation page", () => {
    expect(searchCampaignHref("21490007900010", new URLSearchParams("q=x&page=2"))).toBe(
      "/portail/communes/21490007900010/campagnes/nouvelle?q=x&portee=recherche",
    );
  });
});
