import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/browser.ts";

describe("home page in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows the DSFR header with the bloc marque, the footer links and no console error", async () => {
    const { page, errors } = await stack.newPage();
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute("html", "lang")).toBe("fr");

    const header = page.locator("header.fr-header");
    await expect.poll(() => header.locator(".fr-logo").innerText()).toMatch(/république\s*française/i);
    expect(await header.locator(".fr-header__service-title").innerText()).toContain("Portail QF");

    const skipLinks = page.locator(".fr-skiplinks a");
    expect(await skipLinks.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("h1").count()).toBe(1);

    const footer = page.locator("footer.fr-footer");
    for (const [label, href] of [
      ["Accessibilité : non conforme", "/accessibilite"],
      ["Mentions légales", "/mentions-legales"],
      ["Données personnelles", "/donnees-personnelles"],
      ["Conditions générales d'utilisation", "/conditions-generales-d-utilisation"],
    ] as const) {
      const link = footer.getByRole("link", { name: label, exact: true });
      expect(await link.getAttribute("href")).toBe(href);
    }

    // The DSFR script ran (it marks the document once its JS is loaded).
    await expect.poll(() => page.evaluate(() => document.documentElement.hasAttribute("data-fr-js"))).toBe(true);
    expect(errors).toEqual([]);
  });

  it("serves every footer page, and a DSFR 404 page with a way back", async () => {
    const { page, errors, allowErrors } = await stack.newPage();
    // The missing page below answers 404 on purpose; Chromium logs that as a console error.
    allowErrors(/status of 404 \(Not Found\)/);
    for (const path of [
      "/accessibilite",
      "/mentions-legales",
      "/donnees-personnelles",
      "/conditions-generales-d-utilisation",
    ]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      expect(await page.locator("h1").count(), path).toBe(1);
    }
    const missing = await page.goto("/cette-page-n-existe-pas");
    expect(missing?.status()).toBe(404);
    expect(await page.locator("h1").innerText()).toMatch(/introuvable/i);
    expect(
      await page
        .getByRole("link", { name: /accueil/i })
        .first()
        .getAttribute("href"),
    ).toBe("/");
    expect(errors.filter((e) => !e.includes("status of 404"))).toEqual([]);
  });
});
