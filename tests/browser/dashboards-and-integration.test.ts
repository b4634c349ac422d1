import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";

/** The editors' kit and both dashboards in the real built app (CSP, routing, no JavaScript needed). */
describe("integration kit and dashboards in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("leads editors from the footer to the page, the schema and the example files", async () => {
    const { page, errors } = await stack.newPage();
    await page.goto("/");
    await page.getByRole("contentinfo").getByRole("link", { name: "Éditeurs : intégrer le formulaire QF" }).click();
    await page.waitForURL("**/integrer-le-formulaire-qf");
    // Client-side navigation: the URL changes before the new page renders.
    await page.locator("h1", { hasText: "Intégrer le formulaire QF" }).waitFor();
    await page.getByRole("region", { name: "Exemple : lien profond vers le service" }).waitFor();

    const schema = await page.request.get("/integration/schemas/formulaire-qf.schema.json");
    expect(schema.status()).toBe(200);
    expect(((await schema.json()) as { $id: string }).$id).toBe(
      `${stack.app.url}/integration/schemas/formulaire-qf.schema.json`,
    );
    const xml = await page.request.get("/integration/exemples/FormulaireQF.xml");
    expect(xml.status()).toBe(200);
    expect(await xml.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<hash>/);

    await page.getByRole("link", { name: "description de FormulaireQF.xml" }).click();
    await page.waitForURL("**/integration/formulaire-qf-xml");
    await page.locator("h1", { hasText: "Description de FormulaireQF.xml" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("shows a commune's agents their statistics as charts with a table to unfold", async () => {
    const { page, errors } = await stack.newPage();
    await signInAsAgent(page, `/portail/communes/${ANGERS}`);
    await page
      .getByRole("navigation", { name: "Espace de la commune" })
      .getByRole("link", { name: "Statistiques" })
      .click();
    await page.waitForURL(`**/portail/communes/${ANGERS}/statistiques`);
    const chart = page.getByRole("img", { name: "Dossiers par statut" });
    await chart.waitFor();
    await page.getByText("Voir les données de « Dossiers par statut » en tableau").click();
    await page.getByRole("table", { name: "Dossiers par statut" }).waitFor();
    // Like its sibling pages, a way back up; and French elision in the commune's name.
    const breadcrumb = page.getByRole("navigation", { name: "vous êtes ici :" });
    expect(await breadcrumb.count()).toBe(1);
    expect(await breadcrumb.getByRole("link", { name: "Angers" }).getAttribute("href")).toBe(
      `/portail/communes/${ANGERS}`,
    );
    expect(await page.locator("main").innerText()).toContain("Les chiffres des dossiers d’Angers");
    // The monthly chart counts transmissions, which the inbox does not: it says so rather than "dossiers".
    await page.getByRole("img", { name: "Transmissions reçues par mois, sur les 12 derniers mois" }).waitFor();
    expect(await page.getByRole("heading", { name: "Dossiers reçus par mois" }).count()).toBe(0);
    await page.screenshot({ path: "/tmp/browser-statistiques.png", fullPage: true });
    expect(errors).toEqual([]);
  });

  it("shows the platform operator the service's health, and refuses a commune administrator", async () => {
    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto("/portail/administration");
    await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
    await page.getByTestId("pc-agent-platform-admin").click();
    await page.waitForURL("**/portail/administration");
    await page.getByRole("link", { name: /Tableau de bord de la plateforme/ }).click();
    await page.waitForURL("**/portail/administration/tableau-de-bord");
    await page.getByRole("heading", { level: 1, name: "Tableau de bord de la plateforme" }).waitFor();
    expect(await page.locator("main, body").first().innerText()).toContain(
      "Transmissions des familles par jour, sur 30 jours",
    );
    await page.getByRole("img", { name: /Transmissions des familles par jour/ }).waitFor();
    await page.screenshot({ path: "/tmp/browser-tableau-de-bord.png", fullPage: true });
    expect(errors).toEqual([]);

    const commune = await stack.newPage();
    // The commune administrator is refused with a 403 on purpose; Chromium logs it as a console error.
    commune.allowErrors(/status of 403 \(Forbidden\)/);
    await signInAsAgent(commune.page, `/portail/communes/${ANGERS}`);
    const refused = await commune.page.goto("/portail/administration/tableau-de-bord");
    expect(refused?.status()).toBe(403);
    expect(await commune.page.locator("body").innerText()).not.toContain("Transmissions des familles par jour");
  }, 90_000);
});
