import { describe, expect, it } from "vitest";
import { parseRetentionYears, retentionCutoff } from "./family-retention";

describe("retention period field", () => {
  it.each([
    ["", "Saisissez une durée en années, entre 1 et 6."],
    ["   ", "Saisissez une durée en années, entre 1 et 6."],
    ["deux", "Saisissez un nombre entier d’années, sans virgule, entre 1 et 6."],
    ["1,5", "Saisissez un nombre entier d’années, sans virgule, entre 1 et 6."],
    ["-1", "Saisissez un nombre entier d’années, sans virgule, entre 1 et 6."],
    ["0", "La durée de conservation doit être comprise entre 1 et 6 ans."],
    ["7", "La durée de conservation doit être comprise entre 1 et 6 ans."],
    ["99999999999999999999", "La durée de conservation doit être comprise entre 1 et 6 ans."],
  ])("refuses %j with a French message", (raw, error) => {
    expect(parseRetentionYears(raw)).toEqual({ ok: false, error });
  });

  it("refuses what is not a text field", () => {
    expect(parseRetentionYears(null).ok).toBe(false);
  });

  it.each([
    ["1", 1],
    [" 3 ", 3],
    ["06", 6],
  ])("accepts %j", (raw, years) => {
    expect(parseRetentionYears(raw)).toEqual({ ok: true, years });
  });
});

describe("retention cutoff", () => {
  it("goes back whole calendar years", () => {
    expect(retentionCutoff(new Date("2026-11-26T02:47:00Z"), 2).toISOString()).toBe("2024-11-26T02:47:00.000Z");
  });

  it("moves a 29 February to 1 March in a common year (one day later, never earlier)", () => {
    // setUTCFullYear on 29 Feb of a non-leap year rolls over to 1 March: one day later, never earlier.
    expect(retentionCutoff(new Date("2028-02-29T00:00:00Z"), 1).toISOString()).toBe("2027-03-01T00:00:00.000Z");
  });
});
