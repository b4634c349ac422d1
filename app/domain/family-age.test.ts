import { describe, expect, it } from "vitest";
import { ageFromBirthdate, formatAge } from "./family-age";

const now = new Date("2026-06-15T10:00:00Z");

describe("ageFromBirthdate", () => {
  it("counts whole years, the birthday included", () => {
    expect(ageFromBirthdate("2016-06-15", now)).toEqual({ years: 10, approximate: false });
    expect(ageFromBirthdate("2016-06-16", now)).toEqual({ years: 9, approximate: false });
    expect(ageFromBirthdate("2026-01-01", now)).toEqual({ years: 0, approximate: false });
  });

  it("handles presumed dates without inventing a day or a month", () => {
    expect(ageFromBirthdate("2016-03-00", now)).toEqual({ years: 10, approximate: false });
    expect(ageFromBirthdate("2016-06-00", now)).toEqual({ years: 10, approximate: true });
    expect(ageFromBirthdate("2016-00-00", now)).toEqual({ years: 9, approximate: true });
  });

  it("gives up on what is not a date", () => {
    expect(ageFromBirthdate("inconnue", now)).toBeNull();
    expect(ageFromBirthdate("2030-01-01", now)).toBeNull();
  });

  it("formats in French", () => {
    expect(formatAge({ years: 1, approximate: false })).toBe("1 an");
    expect(formatAge({ years: 0, approximate: false })).toBe("moins d’un an");
    expect(formatAge({ years: 9, approximate: true })).toBe("environ 9 ans");
    expect(formatAge(null)).toBe("âge inconnu");
  });
});
