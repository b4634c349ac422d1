import { describe, expect, it } from "vitest";
import { resolveReturnUrl } from "./redirect-uri";

const allowed = ["https://portail.angers.fr", "http://localhost:8080"];

describe("resolveReturnUrl", () => {
  it.each([
    ["https://portail.angers.fr/retour?dossier=42#fin", "https://portail.angers.fr/retour?dossier=42#fin"],
    ["https://portail.angers.fr", "https://portail.angers.fr/"],
    ["https://PORTAIL.Angers.FR/Retour", "https://portail.angers.fr/Retour"],
    ["https://portail.angers.fr:443/retour", "https://portail.angers.fr/retour"],
    ["HTTPS://portail.angers.fr/retour", "https://portail.angers.fr/retour"],
    ["http://localhost:8080/cb", "http://localhost:8080/cb"],
    ["https://portail.angers.fr/a%20b?q=%3Cx%3E", "https://portail.angers.fr/a%20b?q=%3Cx%3E"],
  ])("honours %s", (input, expected) => {
    expect(resolveReturnUrl(input, allowed)).toBe(expected);
  });

  it("normalises the registered origins too", () => {
    expect(resolveReturnUrl("https://mairie.fr/x", ["HTTPS://Mairie.FR:443/"])).toBe("https://mairie.fr/x");
    expect(resolveReturnUrl("http://mairie.fr/x", ["http://mairie.fr:80"])).toBe("http://mairie.fr/x");
  });

  it("honours nothing without a registered origin", () => {
    expect(resolveReturnUrl("https://portail.angers.fr/retour", [])).toBeNull();
    expect(resolveReturnUrl("https://portail.angers.fr/retour", ["pas une url", "javascript:alert(1)"])).toBeNull();
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["another site", "https://evil.fr/portail.angers.fr"],
    ["userinfo posing as the commune", "https://portail.angers.fr@evil.fr/"],
    ["userinfo in front of the commune", "https://evil@portail.angers.fr/"],
    ["userinfo with password", "https://user:pass@portail.angers.fr/"],
    ["empty userinfo", "https://@portail.angers.fr/"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["javascript: dressed up", "javascript://portail.angers.fr/%0aalert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["protocol-relative", "//evil.fr/"],
    ["protocol-relative to the commune", "//portail.angers.fr/retour"],
    ["relative path", "/retour"],
    ["backslash trick", "https://portail.angers.fr\\@evil.fr/"],
    ["backslashes as slashes", "https:\\\\evil.fr"],
    ["scheme without slashes", "https:evil.fr"],
    ["single slash", "https:/evil.fr"],
    ["triple slash", "https:///evil.fr"],
    ["tab inside the host", "https://portail.angers\t.fr.evil.fr/"],
    ["newline", "https://portail.angers.fr/\nLocation: https://evil.fr"],
    ["leading space", " https://portail.angers.fr/"],
    ["plain http to an https commune", "http://portail.angers.fr/retour"],
    ["https to an http origin", "https://localhost:8080/cb"],
    ["other port", "https://portail.angers.fr:8443/retour"],
    ["default port of the other scheme", "http://localhost/cb"],
    ["subdomain", "https://evil.portail.angers.fr/"],
    ["parent domain", "https://angers.fr/"],
    ["suffix trick", "https://portail.angers.fr.evil.fr/"],
    ["trailing dot", "https://portail.angers.fr./retour"],
    ["lookalike unicode host", "https://portail.angérs.fr/"],
    ["ftp", "ftp://portail.angers.fr/"],
    ["too long", `https://portail.angers.fr/${"a".repeat(3000)}`],
  ])("refuses %s", (_label, input) => {
    expect(resolveReturnUrl(input, allowed)).toBeNull();
  });
});
