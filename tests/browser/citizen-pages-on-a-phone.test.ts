import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/browser.ts";

/**
 * The citizen's first pages on a 390 px wide phone, with and without JavaScript: the header and
 * the breadcrumb, the commune list and its search, and the way back when no journey is in progress.
 */

const PHONE = { width: 390, height: 844 };
const ANGERS = "21490007900010";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** A phone with JavaScript, watched for console errors (a hydration mismatch among them). */
async function phone() {
  const opened = await stack.newPage();
  await opened.page.setViewportSize(PHONE);
  return opened;
}

const agentsLink = (page: Page) => page.getByRole("banner").getByRole("link", { name: "Espace agents" });
const breadcrumbHome = (page: Page) =>
  page.getByRole("navigation", { name: "vous êtes ici :" }).getByRole("link", { name: "Accueil" });

describe("the header and the breadcrumb on a phone", () => {
  it("without JavaScript, show their links instead of buttons that would open nothing", async () => {
    const context = await stack.browser.newContext({
      baseURL: stack.app.url,
      locale: "fr-FR",
      viewport: PHONE,
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto("/collectivites");
    expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Voir le fil d’Ariane" }).isVisible()).toBe(false);
    expect(await breadcrumbHome(page).isVisible()).toBe(true);
    // Nothing wider than the screen: the links sit under the brand block.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    await breadcrumbHome(page).click();
    await page.waitForURL(`${stack.app.url}/`);
    expect(await agentsLink(page).isVisible()).toBe(true);
    await agentsLink(page).click();
    await page.waitForURL(/\/portail\/connexion/);
    await context.close();
  });

  it("with JavaScript, keep the DSFR's Menu and « Voir le fil d’Ariane » buttons, which open them", async () => {
    const { page } = await phone();
    await page.goto("/collectivites");
    // The DSFR marks the document once its script runs; its buttons work from then on.
    await page.waitForSelector("html[data-fr-js='true']", { state: "attached" });

    expect(await agentsLink(page).isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    await agentsLink(page).waitFor({ state: "visible" });
    await page.getByRole("button", { name: "Fermer" }).click();

    expect(await breadcrumbHome(page).isVisible()).toBe(false);
    await page.getByRole("button", { name: "Voir le fil d’Ariane" }).click();
    await breadcrumbHome(page).waitFor({ state: "visible" });
  });
});

describe("the commune list on a phone", () => {
  it("shows the search field's placeholder whole", async () => {
    const { page } = await phone();
    await page.goto("/collectivites");
    await page.evaluate(() => document.fonts.ready);
    const { placeholder, room } = await page.evaluate(() => {
      const input = document.getElementById("q") as HTMLInputElement;
      const text = getComputedStyle(input, "::placeholder");
      const box = getComputedStyle(input);
      const canvas = document.createElement("canvas").getContext("2d")!;
      canvas.font = `${text.fontStyle} ${text.fontWeight} ${text.fontSize} ${text.fontFamily}`;
      return {
        placeholder: canvas.measureText(input.placeholder).width,
        room: input.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight),
      };
    });
    expect(placeholder).toBeLessThanOrEqual(room);
  });

  it("names the départements as the COG does, and finds a commune by its département's name", async () => {
    const { page } = await phone();
    await page.goto("/collectivites");
    expect(await page.getByRole("heading", { level: 2, name: "49 — Maine-et-Loire" }).count()).toBe(1);
    expect(await page.getByRole("heading", { level: 2, name: "2A — Corse-du-Sud" }).count()).toBe(1);
    expect(await page.getByText(/Département \d/).count()).toBe(0);

    await page.getByLabel(/Rechercher votre commune/).fill("maine");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.waitForURL(/\?q=maine$/);
    // The URL changes as the client-side navigation ends; the filtered list renders just after.
    await expect.poll(() => page.getByRole("link", { name: "Nantes", exact: true }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Angers", exact: true }).count()).toBe(1);
  });
});

describe("the review page reached without a journey", () => {
  it("says that no journey is in progress, on the commune list where one starts", async () => {
    const { page } = await phone();
    await page.goto("/demarche/verification");
    expect(new URL(page.url()).search).toBe("?session=aucune");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Aucune démarche n’est en cours.");
    expect(text).toContain("commencez par choisir votre commune dans la liste ci-dessous");
    expect(text).not.toContain("expiré");
    expect(await page.getByRole("link", { name: "Angers", exact: true }).count()).toBe(1);
  });

  it("still says that the session expired when a journey had started", async () => {
    const { page } = await phone();
    await page.goto(`/collectivites/${ANGERS}`);
    await page.getByRole("button", { name: /S’identifier avec FranceConnect/ }).click();
    await page.getByTestId("fc-user-test").waitFor();
    // What the browser does after 30 minutes: the citizen session's cookie is gone.
    await page.context().clearCookies({ name: "__qf_citoyen" });
    await page.goto("/demarche/verification");
    expect(new URL(page.url()).search).toBe("?session=expiree");
    expect(await page.locator("main").innerText()).toContain("Votre session a expiré (elle dure 30 minutes).");
  });
});
