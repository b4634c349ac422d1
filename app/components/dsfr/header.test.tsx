import { describe, expect, it } from "vitest";
import { Header } from "./header";
import { render } from "./test-render";

const between = (html: string, start: string, end: string) => {
  const from = html.indexOf(start);
  return html.slice(from, html.indexOf(end, from));
};

describe("Header", () => {
  it("shows the bloc marque, the service name and links home", () => {
    const html = render(<Header />);
    expect(html).toContain('<p class="fr-logo">République<br/>Française</p>');
    expect(html).toContain('<p class="fr-header__service-title">Portail QF</p>');
    expect(html).toContain("Transmettre son quotient familial à sa commune");
    expect(html).toContain('<a title="Accueil - Portail QF - République Française" data-discover="true" href="/">');
  });

  it("links to the agents' space and wires the mobile menu button to its modal", () => {
    const html = render(<Header />);
    expect(html).toMatch(/<a [^>]*class="fr-btn--team fr-btn"[^>]*href="\/portail"[^>]*>Espace agents<\/a>/);
    const controls = html.match(/class="fr-btn--menu fr-btn"[^>]*aria-controls="([^"]+)"/)?.[1];
    expect(controls).toBeTruthy();
    expect(html).toContain(`class="fr-header__menu fr-modal" id="${controls}"`);
  });

  it("renders the tool links in the mobile menu exactly like DSFR would copy them", () => {
    // DSFR rewrites .fr-header__menu-links when it differs from .fr-header__tools-links;
    // being identical keeps it from touching DOM that React hydrates.
    const html = render(<Header />);
    const tools = between(html, '<div class="fr-header__tools-links"', "</div>").replace(/^<div[^>]*>/, "");
    const menu = between(html, '<div class="fr-header__menu-links"', "</div>").replace(/^<div[^>]*>/, "");
    expect(tools).toContain("Espace agents");
    expect(menu).toBe(tools);
  });

  it("marks the current navigation entry and makes it the Menu skip link target", () => {
    const html = render(
      <Header
        navigation={[
          { label: "Dossiers", to: "/portail/dossiers" },
          { label: "Réglages", to: "/portail/reglages" },
        ]}
      />,
      "/portail/reglages",
    );
    expect(html).toMatch(/<nav class="fr-nav" id="menu"[^>]*aria-label="Menu principal"/);
    expect(html).toMatch(/<a [^>]*aria-current="page"[^>]*href="\/portail\/reglages"[^>]*>Réglages<\/a>/);
    expect(html).not.toMatch(/aria-current="page"[^>]*href="\/portail\/dossiers"/);
    expect(html).not.toContain('class="fr-header__tools-links" id="menu"');
  });

  it("gives the Menu skip link target to the tool links when there is no navigation", () => {
    expect(render(<Header />)).toContain('<div class="fr-header__tools-links" id="menu">');
  });
});
