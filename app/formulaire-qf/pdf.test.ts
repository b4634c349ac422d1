import { createRequire } from "node:module";
import path from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it, vi } from "vitest";
import { DUBOIS_CLAIMS, duboisShipment, stagingQuotientFamilial } from "../../tests/fixtures/shipment-data";
import { pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import { buildFormulaireQfPdf, PDF_TITLE, pdfFileName } from "./pdf";
import { bornOnFr, dateTimeFr, monthYearFr, pdfSafe } from "./pdf-text";
import type { ShipmentData } from "./types";

const require = createRequire(import.meta.url);
// Helvetica is not embedded (a standard PDF font): pdf.js needs its own copy to read the glyphs.
const standardFontDataUrl = `${path.join(path.dirname(require.resolve("pdfjs-dist/package.json")), "standard_fonts")}/`;

interface StructNode {
  role?: string;
  children?: StructNode[];
}

async function readPdf(content: Buffer) {
  const pdf = await getDocument({ data: new Uint8Array(content), standardFontDataUrl, isEvalSupported: false }).promise;
  const lines: string[] = [];
  const roles: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const text = await page.getTextContent();
    lines.push(
      ...text.items
        .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
        .join("")
        .split("\n"),
    );
    const walk = (node: StructNode | null) => {
      if (!node) return;
      if (node.role) roles.push(node.role);
      node.children?.forEach(walk);
    };
    walk((await page.getStructTree()) as StructNode | null);
  }
  const info = (await pdf.getMetadata()).info as unknown as Record<string, unknown>;
  const markInfo = await pdf.getMarkInfo();
  const pages = pdf.numPages;
  await pdf.destroy();
  return { text: lines.join("\n"), lines, roles, info, markInfo, pages };
}

describe("buildFormulaireQfPdf", () => {
  it("writes a readable French attestation for the `test` user", async () => {
    const { lines, text } = await readPdf(await buildFormulaireQfPdf(duboisShipment()));
    expect(lines[0]).toBe("Attestation de transmission du quotient familial");
    for (const expected of [
      "Commune destinataire : Angers (SIRET 21490007900010)",
      "Référence de la transmission : 0A1B2C3D4E5F6",
      "Date de la transmission : 26 novembre 2025 à 17:15",
      "Identifiant éditeur (optionnel) : DOSSIER-42",
      "Identité pivot (FranceConnect)",
      "Nom de naissance : DUBOIS",
      "Prénoms : Angela Claire Louise",
      "Sexe : F",
      "Date de naissance : 24/08/1962",
      "Code Insee lieu de naissance : 75107",
      "Code Insee pays de naissance : 99100",
      "Quotient familial : 2550",
      "Mois : février 2024",
      "Régime : CAF (Caisse d'allocations familiales)",
      "Calculé en : décembre 2024",
      "DUBOIS ANGELA CLAIRE LOUISE, née le 24/08/1962",
      "Madame DUBOIS ANGELA",
      "1 RUE MONTORGUEIL",
      "75002 PARIS",
    ]) {
      expect(lines).toContain(expected);
    }
    // The sections come in the reference's order.
    const order = ["Identité pivot", "Quotient familial\n", "Allocataires", "Enfants", "Adresse"].map((s) =>
      text.indexOf(s),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toContain("Enfants\nAucun");
  });

  it("lists an MSA family's children, with usage names and presumed dates", async () => {
    const msa = await readPdf(
      await buildFormulaireQfPdf(duboisShipment({ quotientFamilial: stagingQuotientFamilial("placardMsa") })),
    );
    expect(msa.lines).toContain("Régime : MSA (Mutualité sociale agricole)");
    expect(msa.lines).toContain("PLACARD (nom d'usage DUBOIS) ELSA, née le 13/04/1987");
    expect(msa.lines).toContain("DUBOIS Léo, né le 01/01/2000");
    expect(msa.lines).toContain("Lieu dit");

    const presumed = await readPdf(
      await buildFormulaireQfPdf(duboisShipment({ quotientFamilial: stagingQuotientFamilial("presumedChild") })),
    );
    expect(presumed.lines).toContain("BOBO Ibrahim, né en 2020");
  });

  it("says so when someone is born abroad, or when API Particulier left data out", async () => {
    const data: ShipmentData = duboisShipment({
      externalId: null,
      pivotIdentity: pivotIdentityFromClaims({
        ...DUBOIS_CLAIMS,
        birthdate: "1992-11-00",
        birthplace: "",
        birthcountry: "99217",
      }),
      quotientFamilial: {},
    });
    const { lines } = await readPdf(await buildFormulaireQfPdf(data));
    expect(lines).toContain("Identifiant éditeur (optionnel) : non renseigné");
    expect(lines).toContain("Date de naissance : 11/1992");
    expect(lines).toContain("Code Insee lieu de naissance : aucun (naissance à l'étranger)");
    expect(lines).toContain("Code Insee pays de naissance : 99217");
    expect(lines).toContain("Quotient familial non communiqué par la CAF ou la MSA.");
    expect(lines).toContain("Non communiquée.");
  });

  it("renders French accents and degrades what Helvetica cannot draw", async () => {
    const identity = {
      ...duboisShipment().pivotIdentity,
      familyName: "DURANTéàèùòœæŒÆ",
      givenNames: ["Joëlle", "Ștefan"],
    };
    const { lines } = await readPdf(await buildFormulaireQfPdf(duboisShipment({ pivotIdentity: identity })));
    expect(lines).toContain("Nom de naissance : DURANTéàèùòœæŒÆ");
    expect(lines).toContain("Prénoms : Joëlle Stefan");
  });

  it("is an accessible tagged PDF in French, with its title shown", async () => {
    const content = await buildFormulaireQfPdf(duboisShipment());
    const { info, markInfo, roles } = await readPdf(content);
    expect(info.Title).toBe(PDF_TITLE);
    expect(info.Author).toBe("Portail QF");
    expect(info.Subject).toBe("Quotient familial transmis à Angers");
    expect(info.Language).toBe("fr-FR");
    expect(info.PDFFormatVersion).toBe("1.7");
    expect(markInfo?.Marked).toBe(true);
    expect(content.toString("latin1")).toMatch(/\/DisplayDocTitle true/);
    expect(content.toString("latin1")).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/); // A4
    expect(roles).toEqual(expect.arrayContaining(["Document", "H1", "H2", "P", "L", "LI", "LBody"]));
    expect(roles.filter((r) => r === "H1")).toHaveLength(1);
  });

  it("flows a large family onto further pages", async () => {
    const qf = stagingQuotientFamilial("placardMsa");
    const enfants = Array.from({ length: 60 }, (_, i) => ({ ...qf.enfants![0]!, prenoms: `ENFANT${i}` }));
    const { lines, pages } = await readPdf(
      await buildFormulaireQfPdf(duboisShipment({ quotientFamilial: { ...qf, enfants } })),
    );
    expect(pages).toBeGreaterThan(1);
    expect(lines).toContain("DUBOIS ENFANT59, né le 01/01/1999");
    expect(lines).toContain("FRANCE");
  });
});

describe("pdfFileName", () => {
  it("names the file like the reference", () => {
    expect(pdfFileName(duboisShipment().pivotIdentity)).toBe("quotient_familial_DUBOIS_Angela_Claire_Louise.pdf");
  });

  it("keeps compound names and accents, and turns spaces into underscores", () => {
    const identity = pivotIdentityFromClaims({
      ...DUBOIS_CLAIMS,
      family_name: "TROIS-DUPRE DE LA MARE",
      given_name: "Anne-Laure Joëlle",
    });
    expect(pdfFileName(identity)).toBe("quotient_familial_TROIS-DUPRE_DE_LA_MARE_Anne-Laure_Joëlle.pdf");
  });

  it("never lets a name become a path", () => {
    const identity = { ...duboisShipment().pivotIdentity, familyName: '../..\\ETC:*?"<>|\u0000' };
    expect(pdfFileName(identity)).toBe("quotient_familial_.._.._ETC_________Angela_Claire_Louise.pdf");
  });

  it("copes with someone without a first name", () => {
    expect(pdfFileName({ ...duboisShipment().pivotIdentity, givenNames: [] })).toBe("quotient_familial_DUBOIS.pdf");
  });
});

describe("French wording", () => {
  it("formats months, birthdates and the transmission date", () => {
    expect(monthYearFr(2, 2024)).toBe("février 2024");
    expect(monthYearFr(8, 2023)).toBe("août 2023");
    expect(bornOnFr("1962-08-24")).toBe("le 24/08/1962");
    expect(bornOnFr("1962-08-00")).toBe("en 08/1962");
    expect(bornOnFr("2020-00-00")).toBe("en 2020");
    // Paris time, summer and winter.
    expect(dateTimeFr("2025-07-01T08:05:00Z")).toBe("1 juillet 2025 à 10:05");
    expect(dateTimeFr("2025-11-26T16:15:00.000Z")).toBe("26 novembre 2025 à 17:15");
  });

  it("formats the transmission date without building a formatter each time (an eighth of an attestation's time)", () => {
    const built = vi.spyOn(Intl, "DateTimeFormat");
    try {
      expect(dateTimeFr("2025-07-01T08:05:00Z")).toBe("1 juillet 2025 à 10:05");
      expect(built).not.toHaveBeenCalled();
    } finally {
      built.mockRestore();
    }
  });

  it("keeps WinAnsi text and replaces the rest", () => {
    expect(pdfSafe("Œuvre d'Émile — « ça » 100 €")).toBe("Œuvre d'Émile — « ça » 100 €");
    expect(pdfSafe("Ștefan Łukasz 李 😀")).toBe("Stefan ?ukasz ? ?");
    expect(pdfSafe("ligne\nsuivante\u0000")).toBe("ligne suivante ");
    expect(pdfSafe("e\u0301")).toBe("é"); // decomposed input is recomposed first
  });
});

describe("pdfkit's standard fonts (patches/pdfkit+0.20.2.patch)", () => {
  it("builds a font's metrics once per process, not once per attestation", async () => {
    const { default: PDFDocument } = await import("pdfkit");
    type WithFont = { _font: { font: unknown } };
    const first = new PDFDocument() as unknown as WithFont;
    const second = new PDFDocument() as unknown as WithFont;
    // Each document still has its own font object (its own PDF references), over the same metrics.
    expect(second._font).not.toBe(first._font);
    expect(second._font.font).toBe(first._font.font);
  });
});
