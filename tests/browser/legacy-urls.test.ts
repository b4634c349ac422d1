import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/browser.ts";

/**
 * The national form's URLs, as a poster's QR code or a commune's website opens them, in Chromium:
 * each lands on our page for it, and the FAQ answers without JavaScript.
 */
const ANGERS = "21490007900010";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("the national form's URLs in Chromium", () => {
  it.each([
    [`/collectivites/select?id=${ANGERS}`, `/collectivites/${ANGERS}`, "Transmettre votre quotient familial à Angers"],
    [`/collectivites/${ANGERS}/sans_france_connect`, "/sans-france-connect", "Sans FranceConnect"],
    ["/cgu_usagers", "/conditions-generales-d-utilisation", "Conditions générales d'utilisation"],
    [
      "/cgu_administrations",
      "/conditions-generales-d-utilisation-administrations",
      "Conditions générales d’utilisation pour les administrations",
    ],
    [`/collectivites/${ANGERS}/confirmation/0A1B2C3D4E5F6`, null, "Suivi d’une transmission"],
  ])("%s leads to our page", async (legacy, target, heading) => {
    const { page, errors, allowErrors } = await stack.newPage();
    // An unknown reference answers its page with a 404 on purpose; Chromium logs that as a console error.
    if (!target) allowErrors(/status of 404 \(Not Found\)/);
    await page.goto(legacy);
    if (target) expect(new URL(page.url()).pathname).toBe(target);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(heading);
    expect(errors.filter((e) => !e.includes("status of 404"))).toEqual([]);
  });

  it("serves a FAQ that reads without JavaScript, linked from every page's footer", async () => {
    const context = await stack.browser.newContext({
      baseURL: stack.app.url,
      locale: "fr-FR",
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto("/");
    await page.getByRole("contentinfo").getByRole("link", { name: "Questions fréquentes" }).click();
    await page.waitForURL(/\/faq$/);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Questions fréquentes");
    for (const question of [
      "Que transmet Portail QF à ma commune ?",
      "Combien de temps mes données sont-elles conservées ?",
    ]) {
      expect(await page.getByRole("heading", { level: 3, name: question }).isVisible()).toBe(true);
    }
    await context.close();
  });
});
