import { describe, expect, it } from "vitest";
import { parseForm } from "~/forms/parse-form";
import { campaignPeriodSchema, parseCampaignRequest, searchCampaignHref } from "./campaign-request";

describe("campaignPeriodSchema", () => {
  const current = { annee: 2026, mois: 3 };
  const parse = (fields: Record<string, string>) =>
    parseForm(campaignPeriodSchema(current), new URLSearchParams(fields));
  it("defaults to the current month", () => {
    expect(parse({ annee: "" })).toMatchObject({ success: true, data: current });
  });
  it("accepts a past month of the last two years", () => {
    expect(parse({ annee: "2024", mois: "1" })).toMatchObject({ success: true, data: { annee: 2024, mois: 1 } });
  });
  it("refuses a month that has not started, a year out of range, a bad month", () => {
    expect(parse({ annee: "2026", mois: "4" })).toMatchObject({
      success: false,
      errors: { mois: expect.stringContaining("pas encore commencé") },
    });
    expect(parse({ annee: "2023", mois: "5" })).toEqual({
      success: false,
      errors: { annee: "Saisissez une année entre 2024 et 2026." },
      values: { annee: "2023", mois: "5" },
    });
    expect(parse({ annee: "2025", mois: "0" })).toMatchObject({
      success: false,
      errors: { mois: "Choisissez un mois." },
    });
    expect(parse({ annee: "deux mille", mois: "13" })).toMatchObject({
      success: false,
      errors: { annee: "Saisissez une année entre 2024 et 2026.", mois: "Choisissez un mois." },
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
