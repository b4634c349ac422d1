import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";

/**
 * The QF lookup in the built app: with JavaScript the birth commune field suggests communes
 * as the agent types; without JavaScript the same form works through the server's resolution
 * (a choice between communes of the same name), up to the family file saved.
 */
describe("QF lookup in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("suggests communes with JavaScript, and works without it up to the saved family file", async () => {
    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`/portail/communes/${ANGERS}/recherche-qf`);
    await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
    await page.getByTestId("pc-agent-agent-angers-1").click();
    await page.waitForURL(`**/portail/communes/${ANGERS}/recherche-qf`);
    expect(await page.getByRole("link", { name: "Rechercher un QF" }).getAttribute("aria-current")).toBe("page");

    // With JavaScript (once the page is hydrated): the datalist fills from the resource route.
    await page.waitForLoadState("networkidle");
    await page.getByLabel(/^Commune de naissance/).pressSequentially("Saint-Den", { delay: 20 });
    await expect
      .poll(
        () =>
          page
            .locator("#communeNaissance-suggestions option")
            .evaluateAll((o) => o.map((x) => x.getAttribute("value"))),
        { timeout: 10_000 },
      )
      .toContain("Saint-Denis (974)");
    expect(errors).toEqual([]);

    // Without JavaScript, with the same session.
    const noJs = await stack.browser.newContext({ baseURL: stack.app.url, locale: "fr-FR", javaScriptEnabled: false });
    await noJs.addCookies(await page.context().cookies());
    const plain = await noJs.newPage();
    await plain.goto(`/portail/communes/${ANGERS}/recherche-qf`);
    await plain.getByRole("button", { name: "Rechercher le QF" }).click();
    await plain.waitForLoadState();
    expect(await plain.getByRole("alert").innerText()).toMatch(/champs sont à corriger/);
    expect(await plain.getByLabel("Nom de naissance", { exact: true }).getAttribute("aria-describedby")).toBe(
      "nomNaissance-error",
    );

    await plain.getByLabel("Nom de naissance", { exact: true }).fill("SYNTHNAVIGATEUR");
    await plain.getByLabel("Premier prénom").fill("Jeanne");
    await plain.getByText("Féminin", { exact: true }).click();
    await plain.getByLabel(/^Jour/).fill("3");
    await plain.getByLabel(/^Mois/).fill("4");
    await plain.getByLabel(/^Année/).fill("1985");
    await plain.getByLabel(/^Commune de naissance/).fill("Saint-Denis");
    await plain.getByRole("button", { name: "Rechercher le QF" }).click();
    await plain.waitForLoadState();
    // Several communes bear this name: radio buttons, with their département.
    const group = plain.getByRole("group", { name: /Plusieurs communes portent ce nom/ });
    await group.getByText(/^Saint-Denis \(974\)/).click();
    await plain.getByRole("button", { name: "Rechercher le QF" }).click();
    await plain.getByRole("heading", { name: "Quotient familial trouvé" }).waitFor();
    expect(await plain.getByRole("table", { name: "Quotient familial" }).innerText()).toMatch(/€/);

    await plain.getByRole("button", { name: "Enregistrer comme dossier de la commune" }).click();
    // Post/Redirect/Get: back to an empty form, with where the QF went and a link to that file.
    await plain
      .getByRole("status")
      .filter({ hasText: /^Dossier famille créé/ })
      .waitFor();
    expect(plain.url()).toMatch(/\/recherche-qf\?dossier=[0-9a-f-]{36}$/);
    expect(await plain.getByLabel("Nom de naissance", { exact: true }).inputValue()).toBe("");
    await plain.getByRole("link", { name: "Ouvrir le dossier famille" }).click();
    await plain.waitForURL(/\/dossiers\/[0-9a-f-]{36}$/);
    expect(await plain.locator("body").innerText()).toMatch(/Recherche manuelle/);
    await noJs.close();
  });
});
