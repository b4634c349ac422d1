import { describe, expect, it } from "vitest";
import { parsePublicPageDetails } from "./public-page-details";

describe("parsePublicPageDetails", () => {
  it("accepts empty fields and normalises the others", () => {
    expect(parsePublicPageDetails({ contactEmail: "", contactPhone: "", website: "" })).toEqual({
      ok: true,
      details: { contactEmail: null, contactPhone: null, website: null },
    });
    expect(
      parsePublicPageDetails({
        contactEmail: " QF@Mairie.fr ",
        contactPhone: "02.41.05.40.00",
        website: "https://www.mairie.fr",
      }),
    ).toEqual({
      ok: true,
      details: { contactEmail: "qf@mairie.fr", contactPhone: "02.41.05.40.00", website: "https://www.mairie.fr/" },
    });
    expect(parsePublicPageDetails({ contactEmail: "", contactPhone: "+33 2 41 05 40 00", website: "" }).ok).toBe(true);
  });

  it("names each invalid field", () => {
    const result = parsePublicPageDetails({ contactEmail: "qf@", contactPhone: "0241", website: "www.mairie.fr" });
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(["contactEmail", "contactPhone", "website"]);
  });

  it("refuses a phone or website padded far beyond any real one (both are shown as typed)", () => {
    const padded = parsePublicPageDetails({
      contactEmail: "",
      contactPhone: `02${" ".repeat(5_000)}41 05 40 00`,
      website: `https://www.mairie.fr/${"a".repeat(300)}`,
    });
    expect(padded).toEqual({
      ok: false,
      errors: {
        contactPhone: expect.stringMatching(/10 chiffres/),
        website: "L’adresse du site ne doit pas dépasser 200 caractères.",
      },
    });
  });
});
