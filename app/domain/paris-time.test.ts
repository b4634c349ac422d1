import { describe, expect, it } from "vitest";
import { parisDayEnd, parisDayStart } from "./paris-time";

describe("Paris day boundaries", () => {
  it("follows winter and summer time", () => {
    expect(parisDayStart("2025-01-15")?.toISOString()).toBe("2025-01-14T23:00:00.000Z");
    expect(parisDayStart("2025-07-15")?.toISOString()).toBe("2025-07-14T22:00:00.000Z");
    // The night clocks go forward: the day starts at 00:00 CET, ends at 00:00 CEST.
    expect(parisDayStart("2025-03-30")?.toISOString()).toBe("2025-03-29T23:00:00.000Z");
    expect(parisDayEnd("2025-03-30")?.toISOString()).toBe("2025-03-30T22:00:00.000Z");
    expect(parisDayEnd("2025-12-31")?.toISOString()).toBe("2025-12-31T23:00:00.000Z");
  });

  it("refuses what is not a real day", () => {
    for (const value of ["", "2025-02-30", "15/01/2025", "2025-1-5", "2025-13-01"])
      expect(parisDayStart(value), value).toBeNull();
  });
});
