import { describe, expect, it } from "vitest";
import { bracketFor, formatBracketRange, validateBrackets } from "./tariff-brackets";

const rows = [
  { label: "A", min: "0", max: "450" },
  { label: "B", min: "451", max: "900" },
  { label: "C", min: "901", max: "" },
];

describe("tariff brackets", () => {
  it("places a QF in the bracket whose inclusive bounds hold it", () => {
    const { brackets, errors } = validateBrackets(rows);
    expect(errors).toEqual({});
    expect(bracketFor(0, brackets)?.label).toBe("A");
    expect(bracketFor(450, brackets)?.label).toBe("A");
    expect(bracketFor(451, brackets)?.label).toBe("B");
    expect(bracketFor(25_000, brackets)?.label).toBe("C");
    expect(bracketFor(null, brackets)).toBeNull();
    expect(bracketFor(100, [])).toBeNull();
  });

  it("refuses gaps, overlaps, a first bracket above 0 and an open bracket before the last", () => {
    expect(validateBrackets([rows[0], { label: "B", min: "460", max: "" }]).errors[1]).toMatch(/commencer à 451/);
    expect(validateBrackets([rows[0], { label: "B", min: "400", max: "" }]).errors[1]).toMatch(/commencer à 451/);
    expect(validateBrackets([{ label: "A", min: "10", max: "" }]).errors[0]).toMatch(/commencer à 0/);
    expect(validateBrackets([{ label: "A", min: "0", max: "" }, rows[1]]).errors[0]).toMatch(/dernière tranche/);
    expect(validateBrackets([{ label: "", min: "0", max: "" }]).errors[0]).toMatch(/nom/);
    expect(validateBrackets([{ label: "A", min: "-1", max: "" }]).errors[0]).toMatch(/entier positif/);
    expect(validateBrackets([{ label: "A", min: "0", max: "x" }]).errors[0]).toMatch(/maximum/);
  });

  it("ignores empty rows and reports errors on the row the agent typed", () => {
    const { brackets, errors } = validateBrackets([
      {},
      rows[0],
      { label: "", min: "", max: "" },
      { label: "B", min: "451" },
    ]);
    expect(errors).toEqual({});
    expect(brackets.map((b) => b.label)).toEqual(["A", "B"]);
    expect(validateBrackets([{}, { label: "A", min: "5" }]).errors[1]).toBeDefined();
  });

  it("formats ranges the French way", () => {
    expect(formatBracketRange({ label: "C", min: 1201, max: null })).toBe("1\u202f201 et plus");
    expect(formatBracketRange({ label: "A", min: 0, max: 450 })).toBe("0 – 450");
  });
});
