import { describe, expect, it } from "vitest";
import { MAX_EXTERNAL_ID_LENGTH, readExternalId } from "./external-id";

describe("readExternalId", () => {
  it("keeps a commune's file number as it is, spaces, #, =, &, % and ? included", () => {
    for (const value of ["DOSSIER 42 #A=1&b", "ALSH-2026/12?x=%20", "Émile·Zola 3 ½", "番号-7"]) {
      expect(readExternalId(value)).toEqual({ ok: true, externalId: value });
    }
  });

  it("normalises to NFC and removes control characters, keeping the rest", () => {
    expect(readExternalId("Cafe\u0301 12")).toEqual({ ok: true, externalId: "Café 12" });
    expect(readExternalId("A\u0000B\u0007C\u007fD\u0085E\nF\tG")).toEqual({ ok: true, externalId: "ABCDEFG" });
    expect(readExternalId("  \u0001 ")).toEqual({ ok: true, externalId: null });
    expect(readExternalId("\ud800X")).toEqual({ ok: true, externalId: "X" });
  });

  it("has no number for an absent or empty one", () => {
    expect(readExternalId(null)).toEqual({ ok: true, externalId: null });
    expect(readExternalId(undefined)).toEqual({ ok: true, externalId: null });
    expect(readExternalId("")).toEqual({ ok: true, externalId: null });
  });

  it("refuses one longer than 255 characters, counted as characters, not UTF-16 units", () => {
    expect(readExternalId("é".repeat(MAX_EXTERNAL_ID_LENGTH))).toEqual({
      ok: true,
      externalId: "é".repeat(MAX_EXTERNAL_ID_LENGTH),
    });
    expect(readExternalId("😀".repeat(MAX_EXTERNAL_ID_LENGTH)).ok).toBe(true);
    expect(readExternalId("x".repeat(MAX_EXTERNAL_ID_LENGTH + 1))).toEqual({ ok: false, reason: "too_long" });
  });
});
