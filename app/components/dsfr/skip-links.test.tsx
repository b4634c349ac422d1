import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SkipLinks } from "./skip-links";

describe("SkipLinks", () => {
  it("points to the content, the menu and the footer", () => {
    const html = renderToStaticMarkup(<SkipLinks />);
    expect(html).toContain('<nav class="fr-container" aria-label="Accès rapide">');
    expect(html).toContain('<a class="fr-link" href="#contenu">Contenu</a>');
    expect(html).toContain('<a class="fr-link" href="#menu">Menu</a>');
    expect(html).toContain('<a class="fr-link" href="#pied-de-page">Pied de page</a>');
  });
});
