import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFormulaireQfCase } from "../helpers/formulaire-qf-case.ts";
import { releveUntilListed, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const REFERENCE = "DA7A000000017";

/** An administrator erases a family file and sets the commune's retention, in the built app. */
describe("portal data lifecycle in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("erases a family file after confirmation, then changes the retention period", async () => {
    await injectFormulaireQfCase(stack.simulators, {
      siret: ANGERS,
      reference: REFERENCE,
      familyName: "EFFACÉ-BIENTÔT",
    });

    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(10_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    const row = await releveUntilListed(page, `/portail/communes/${ANGERS}/dossiers?q=${REFERENCE}`, REFERENCE);
    await row.getByRole("link", { name: REFERENCE }).click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}/);
    const fileUrl = page.url().split("?")[0]!;

    await page.getByRole("link", { name: "Supprimer le dossier" }).click();
    await page.waitForURL(/\/supprimer$/);
    expect(await page.locator("h1").innerText()).toContain("EFFACÉ-BIENTÔT");
    expect(await page.getByTestId("elements-supprimes").innerText()).toMatch(/pièces jointes/);
    await page.getByRole("button", { name: "Supprimer définitivement le dossier" }).click();
    await page.waitForURL(/\/donnees\?dossier-supprime=1$/);
    await page.getByRole("status").filter({ hasText: "Le dossier a été supprimé" }).waitFor();
    expect(await page.getByRole("table", { name: /Dernières suppressions/ }).innerText()).toMatch(
      /Dossier supprimé \(droit à l’effacement\)\s+1/,
    );
    const nav = page.getByRole("link", { name: "Conservation des données" });
    expect(await nav.getAttribute("aria-current")).toBe("page");

    expect(errors).toEqual([]);
    const gone = await page.goto(fileUrl);
    expect(gone?.status()).toBe(404);
    errors.length = 0; // that 404 was the point

    await page.goto(`/portail/communes/${ANGERS}/donnees`);
    await page.getByLabel(/Durée de conservation, en années/).fill("3");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("status").filter({ hasText: "Durée de conservation enregistrée : 3 ans." }).waitFor();
    await expect
      .poll(() => page.getByTestId("duree-actuelle").innerText(), { timeout: 5_000 })
      .toMatch(/Durée actuelle : 3 ans \(choisie le/);
    expect(errors).toEqual([]);
  }, 90_000);
});
