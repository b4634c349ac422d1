import { describe, expect, it } from "vitest";
import { formatBirthdateFr } from "./format";
import { birthdateParts } from "./pivot-identity";

describe("birthdate helpers", () => {
  it("formats complete and presumed dates in French", () => {
    expect(formatBirthdateFr("1962-08-24")).toBe("24/08/1962");
    expect(formatBirthdateFr("1962-08-00")).toBe("08/1962");
    expect(formatBirthdateFr("1962-00-00")).toBe("1962");
    expect(formatBirthdateFr("n'importe quoi")).toBe("n'importe quoi");
  });

  it("splits dates into parts", () => {
    expect(birthdateParts("2020-00-00")).toEqual({ year: 2020, month: null, day: null });
    expect(birthdateParts("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(birthdateParts("2023-02-29")).toBeNull();
    expect(birthdateParts("0000-01-01")).toBeNull();
  });
});
