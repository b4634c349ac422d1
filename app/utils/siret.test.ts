import { describe, expect, it } from "vitest";
import { isValidSiret } from "./siret";

describe("isValidSiret", () => {
  it.each([
    ["21490007900010", "mairie (Luhn)"],
    ["21750001600019", "Ville de Paris (Luhn)"],
    ["13002526500013", "DINUM (Luhn)"],
    ["35600000000048", "La Poste head office (Luhn)"],
    ["35600000049837", "La Poste establishment (sum of digits multiple of 5)"],
  ])("accepts %s — %s", (siret) => {
    expect(isValidSiret(siret)).toBe(true);
  });

  it.each([
    ["21490007900011", "wrong check digit"],
    ["12345678912345", "14 digits, Luhn fails"],
    ["35600000012345", "La Poste prefix, neither Luhn nor multiple of 5"],
    ["21490007900012", "sum of digits multiple of 5 is only tolerated for La Poste"],
    ["2149000790001", "13 digits"],
    ["214900079000100", "15 digits"],
    ["214 900 079 00010", "spaces are not normalised here"],
    ["2149000790001A", "letter"],
    ["", "empty"],
    ["２１４９０００７９０００１０", "full-width digits"],
  ])("rejects %s — %s", (siret) => {
    expect(isValidSiret(siret)).toBe(false);
  });
});
