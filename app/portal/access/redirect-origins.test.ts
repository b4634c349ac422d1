import { describe, expect, it } from "vitest";
import { MAX_REDIRECT_ORIGINS, parseRedirectOrigins } from "./redirect-origins";

describe("parseRedirectOrigins", () => {
  it("normalises to origins, removes duplicates, accepts lines, commas and spaces", () => {
    expect(
      parseRedirectOrigins("https://WWW.Mairie.fr:443/\n https://www.mairie.fr , https://famille.mairie.fr:8443", {
        allowHttp: false,
      }),
    ).toEqual({ ok: true, origins: ["https://www.mairie.fr", "https://famille.mairie.fr:8443"] });
    expect(parseRedirectOrigins("  \n", { allowHttp: false })).toEqual({ ok: true, origins: [] });
  });

  it("requires https outside the demo", () => {
    expect(parseRedirectOrigins("http://www.mairie.fr", { allowHttp: false })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/https/),
    });
    expect(parseRedirectOrigins("http://localhost:8080", { allowHttp: true })).toEqual({
      ok: true,
      origins: ["http://localhost:8080"],
    });
  });

  it.each([
    ["a path", "https://www.mairie.fr/famille"],
    ["a query", "https://www.mairie.fr/?x=1"],
    ["a fragment", "https://www.mairie.fr/#x"],
    ["credentials", "https://user:pass@www.mairie.fr"],
    ["no scheme", "www.mairie.fr"],
    ["another scheme", "javascript:alert(1)"],
  ])("refuses an entry with %s", (_label, entry) => {
    expect(parseRedirectOrigins(entry, { allowHttp: true }).ok).toBe(false);
  });

  it("caps the list", () => {
    const many = Array.from({ length: MAX_REDIRECT_ORIGINS + 1 }, (_, i) => `https://site${i}.fr`).join("\n");
    expect(parseRedirectOrigins(many, { allowHttp: false }).ok).toBe(false);
  });
});
