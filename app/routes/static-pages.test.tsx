import type { ComponentType } from "react";
import { describe, expect, it } from "vitest";
import { renderNested, trailOf } from "../../tests/helpers/render-trail";
import { render } from "~/components/dsfr/test-render";
import { loader as catchAllLoader } from "./$";
import Home from "./_index";
import * as accessibility from "./accessibilite";
import * as termsOfUse from "./conditions-generales-d-utilisation";
import * as personalData from "./donnees-personnelles";
import * as legalNotice from "./mentions-legales";
import * as withoutFranceConnect from "./sans-france-connect";

type PageModule = { default: ComponentType; handle?: unknown };

const pages: Array<[string, PageModule, string | null]> = [
  ["/", { default: Home }, null],
  ["/accessibilite", accessibility, "Déclaration d'accessibilité"],
  ["/mentions-legales", legalNotice, "Mentions légales"],
  ["/donnees-personnelles", personalData, "Données personnelles"],
  ["/conditions-generales-d-utilisation", termsOfUse, "Conditions générales d'utilisation"],
  ["/sans-france-connect", withoutFranceConnect, "Sans FranceConnect"],
];

/** As Remix renders the page: its `handle` gives the breadcrumb. */
const renderPage = (path: string, page: PageModule) =>
  renderNested([{ path, handle: page.handle, Component: page.default }], path);

const headingLevels = (html: string) => [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));

describe.each(pages)("page %s", async (path, page, title) => {
  const html = await renderPage(path, page);

  it("has one h1 and never skips a heading level (RGAA 9.1)", () => {
    const levels = headingLevels(html);
    expect(levels.filter((level) => level === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    levels.forEach((level, index) => {
      if (index > 0) expect(level - levels[index - 1]).toBeLessThanOrEqual(1);
    });
  });

  it("announces every new window", () => {
    for (const [link] of html.matchAll(/<a [^>]*target="_blank"[^>]*>/g)) {
      expect(link).toMatch(/title="[^"]+ - nouvelle fenêtre"/);
      expect(link).toContain('rel="noopener noreferrer external"');
    }
  });

  it.runIf(title)("shows the trail « Accueil › <its h1> »", () => {
    expect(trailOf(html)).toEqual([{ label: "Accueil", to: "/" }, { label: title }]);
    expect(html).toContain(`<h1>${title!.replace(/'/g, "&#x27;")}</h1>`);
  });
});

describe("home page", () => {
  const html = render(<Home />);

  it("starts the procedure and offers the way without FranceConnect", () => {
    expect(html).toMatch(/<a class="fr-btn"[^>]*href="\/collectivites"[^>]*>Commencer<\/a>/);
    expect(html).toMatch(/href="\/sans-france-connect"[^>]*>Je n&#x27;ai pas de compte FranceConnect<\/a>/);
  });
});

describe("legal pages", () => {
  it("declares the service non compliant, with the date and the Défenseur des droits", async () => {
    const html = await renderPage("/accessibilite", accessibility);
    expect(html).toContain("<strong>non conforme</strong>");
    expect(html).toContain("26 novembre 2026");
    expect(html).toContain("Défenseur des droits");
  });

  it("states the retention periods the jobs enforce", async () => {
    const html = await renderPage("/donnees-personnelles", personalData);
    expect(html).toContain("<strong>90 jours au plus</strong>");
    expect(html).toContain("<strong>30 jours</strong>");
    expect(html).toContain("<strong>2 ans</strong>");
    expect(html).toContain("<strong>cookie de session</strong>");
  });
});

describe("catch-all route", () => {
  it("answers 404 so the root boundary renders the DSFR page", () => {
    let thrown: unknown;
    try {
      catchAllLoader();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });
});
