import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFormulaireQfCase } from "../helpers/formulaire-qf-case.ts";
import { releveUntilListed, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const REFERENCE = "A0D17000000B6";

/** "Who looked at this family's file?", answered from the file itself, in the built app. */
describe("a family file's access history in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("links the file to the journal filtered on it, naming the file and its status change", async () => {
    await injectFormulaireQfCase(stack.simulators, {
      siret: ANGERS,
      reference: REFERENCE,
      familyName: "HISTORIQUE-TEST",
    });

    const { page } = await stack.newPage();
    page.setDefaultTimeout(15_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    const row = await releveUntilListed(page, `/portail/communes/${ANGERS}/dossiers?q=${REFERENCE}`, REFERENCE);
    await row.getByRole("link", { name: REFERENCE }).click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}/);
    const familyId = new URL(page.url()).pathname.split("/").at(-1)!;
    const shortId = familyId.slice(0, 8);
    await page.getByRole("button", { name: "Prendre en charge" }).click();
    await page
      .getByRole("list", { name: "Historique des statuts" })
      .getByText(/^Pris en charge/)
      .waitFor();

    await page.getByRole("link", { name: "Historique des accès" }).click();
    await page.waitForURL(`**/journal?dossier=${familyId}`);
    await page.getByRole("heading", { name: `Historique des accès au dossier ${shortId}` }).waitFor();
    const trail = page.getByRole("navigation", { name: "vous êtes ici :" });
    expect(await trail.locator("li").allInnerTexts()).toEqual(["Espace agents", "Angers", "Journal"]);
    expect(await trail.getByRole("link", { name: "Angers" }).getAttribute("href")).toBe(`/portail/communes/${ANGERS}`);
    const table = page.getByRole("table", { name: /Entrées du journal/ });
    const viewed = table.getByRole("row").filter({ hasText: "Dossier consulté" });
    expect(await viewed.count()).toBe(1);
    expect(await viewed.innerText()).toContain("Claire Lefebvre");
    const changed = table.getByRole("row").filter({ hasText: "Statut de dossier modifié" });
    expect(await changed.innerText()).toContain("À traiter → En cours");
    // Only this file's entries: no login, no relève, no other file.
    const actions = await table.locator("tbody tr td:nth-child(2)").allInnerTexts();
    expect(new Set(actions)).toEqual(new Set(["Dossier consulté", "Statut de dossier modifié"]));
    // The file is named by its identifier, never by the family's name, and links back to it.
    expect(await table.innerText()).not.toContain("HISTORIQUE-TEST");
    await page.screenshot({ path: "/tmp/portal-journal-dossier.png", fullPage: true });
    await viewed.getByRole("link", { name: `Dossier ${shortId}` }).click();
    await page.waitForURL(`**/dossiers/${familyId}`);
    await page.locator("h1", { hasText: "HISTORIQUE-TEST" }).waitFor();
  }, 90_000);
});
