import { describe, expect, it } from "vitest";
import { Footer } from "./footer";
import { render } from "./test-render";

describe("Footer", () => {
  const html = render(<Footer />);

  it("shows the bloc marque linking home and is the skip link target", () => {
    expect(html).toContain('<footer class="fr-footer" role="contentinfo" id="pied-de-page">');
    expect(html).toContain('<p class="fr-logo">République<br/>Française</p>');
  });

  it.each([
    ["Accessibilité : non conforme", "/accessibilite"],
    ["Mentions légales", "/mentions-legales"],
    ["Données personnelles", "/donnees-personnelles"],
    ["Conditions générales d&#x27;utilisation", "/conditions-generales-d-utilisation"],
    ["Questions fréquentes", "/faq"],
  ])("links %s to %s", (label, href) => {
    expect(html).toMatch(new RegExp(`class="fr-footer__bottom-link"[^>]*href="${href}"[^>]*>${label}</a>`));
  });

  it("links the State websites in a new window, announced in the title", () => {
    for (const domain of ["info.gouv.fr", "service-public.gouv.fr", "legifrance.gouv.fr", "data.gouv.fr"]) {
      expect(html).toContain(
        `<a class="fr-footer__content-link" href="https://${domain}" target="_blank" rel="noopener noreferrer external" title="${domain} - nouvelle fenêtre">${domain}</a>`,
      );
    }
  });

  it("states the etalab-2.0 licence", () => {
    expect(html).toContain(">licence etalab-2.0</a>");
    expect(html).toContain('href="https://github.com/etalab/licence-ouverte/blob/master/LO.md"');
  });
});
