import { describe, expect, it } from "vitest";
import { findCommuneByCog } from "./commune-directory.server";

describe("findCommuneByCog", () => {
  it("names a commune with its département", () => {
    expect(findCommuneByCog("49007")).toEqual({ codeCog: "49007", name: "Angers", departement: "49" });
    expect(findCommuneByCog("2A004")).toEqual({ codeCog: "2A004", name: "Ajaccio", departement: "2A" });
    expect(findCommuneByCog("91228")?.name).toBe("Évry-Courcouronnes");
  });

  it("leads an arrondissement or a former commune to the commune it belongs to", () => {
    expect(findCommuneByCog("75104")).toEqual({ codeCog: "75056", name: "Paris", departement: "75" });
    // Delegated (COMD) and associated (COMA) communes.
    expect(findCommuneByCog("01144")).toEqual({ codeCog: "01025", name: "Bâgé-Dommartin", departement: "01" });
    expect(findCommuneByCog("01120")?.codeCog).toBe("01262");
    // A code that is both a commune and one of its delegated communes: the commune.
    expect(findCommuneByCog("01015")?.name).toBe("Arboys en Bugey");
  });

  it("knows nothing of unknown codes", () => {
    expect(findCommuneByCog("99999")).toBeNull();
    expect(findCommuneByCog("00000")).toBeNull();
    expect(findCommuneByCog("")).toBeNull();
  });
});
