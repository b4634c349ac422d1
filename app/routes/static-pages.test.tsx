import type { ComponentType } from "react";
import { describe, expect, it } from "vitest";
import { render } from "~/components/dsfr/test-render";
import { loader as catchAllLoader } from "./$";
import Home from "./_index";
import AccessibilityStatement from "./accessibilite";
import TermsOfUse from "./conditions-generales-d-utilisation";
import PersonalData from "./donnees-personnelles";
import LegalNotice from "./mentions-legales";
import WithoutFranceConnect from "./sans-france-connect";

const pages: Array<[string, ComponentType]> = [
  ["/", Home],
  ["/accessibilite", AccessibilityStatement],
  ["/mentions-legales", LegalNotice],
  ["/donnees-personnelles", PersonalData],
  ["/conditions-generales-d-utilisation", TermsOfUse],
  ["/sans-france-connect", WithoutFranceConnect],
];

const headingLevels = (html: string) => [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));

describe.each(pages)("page %s", (path, Page) => {
  const html = render(<Page />, path);

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
});

describe("home page", () => {
  const html = render(<Home />);

  it("starts the procedure and offers the way without FranceConnect", () => {
    expect(html).toMatch(/<a class="fr-btn"[^>]*href="\/collectivites"[^>]*>Commencer<\/a>/);
    expect(html).toMatch(/href="\/sans-france-connect"[^>]*>Je n&#x27;ai pas de compte FranceConnect<\/a>/);
  });
});

describe("legal pages", () => {
  it("declares the service non compliant, with the date and the Défenseur des droits", () => {
    const html = render(<AccessibilityStatement />);
    expect(html).toContain("<strong>non conforme</strong>");
    expect(html).toContain("26 novembre 2026");
    expect(html).toContain("Défenseur des droits");
  });

  it("states the retention periods the jobs enforce", () => {
    const html = render(<PersonalData />);
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
