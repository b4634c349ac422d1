import { describe, expect, it } from "vitest";
import { firstWorkingDayOfJanuary, parisDay, yearlyCampaignDay } from "./yearly-date";

describe("yearly campaign date", () => {
  it("is the first weekday of January after the 1st", () => {
    expect(firstWorkingDayOfJanuary(2026)).toBe("2026-01-02"); // Friday
    expect(firstWorkingDayOfJanuary(2027)).toBe("2027-01-04"); // the 2nd is a Saturday
    expect(firstWorkingDayOfJanuary(2028)).toBe("2028-01-03"); // the 2nd is a Sunday
  });

  it("uses the commune's own day when it chose one", () => {
    expect(yearlyCampaignDay(2027, { day: 15, month: 9 })).toBe("2027-09-15");
    expect(yearlyCampaignDay(2027, null)).toBe("2027-01-04");
  });

  it("reads the day in Paris time", () => {
    // 23:30 UTC on December 31st is already January 1st in Paris.
    expect(parisDay(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01-01");
  });
});
