import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollInboxUntilRead, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const FILE_NUMBER = "DOSSIER 42 #A=1&b";

/**
 * The whole chain in the real built app: a citizen's transmission goes through the outbox to
 * the HubEE simulator, and Angers' agent relèves it into the portal and treats it; the status
 * reaches HubEE. Nothing is injected into HubEE by the test.
 */
describe("from the citizen form to the commune portal, in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("a citizen's transmission, sent from the commune's deep link, appears in the portal and is treated", async () => {
    const citizen = await stack.newPage();
    // Sent by the commune's own portal, with its file number (spaces, # and & included).
    await citizen.page.goto(`/collectivites/${ANGERS}/me_connecter?external_id=${encodeURIComponent(FILE_NUMBER)}`);
    await citizen.page.getByTestId("fc-user-test").check();
    await citizen.page.getByLabel("Mot de passe").fill("123");
    await citizen.page.getByRole("button", { name: "Se connecter" }).click();
    await citizen.page.waitForURL(/\/demarche\/verification$/);
    expect(await citizen.page.getByTestId("numero-dossier-commune").innerText()).toContain(FILE_NUMBER);
    await citizen.page.locator('label[for="consentement"]').click();
    await citizen.page.getByRole("button", { name: "Transmettre à Angers" }).click();
    await citizen.page.waitForURL(/\/demarche\/confirmation$/);
    const reference = (await citizen.page.getByTestId("reference").innerText()).match(/[0-9A-F]{13}/)?.[0];
    expect(reference).toBeTruthy();
    expect(citizen.errors).toEqual([]);

    const agent = await stack.newPage();
    const { page } = agent;
    page.setDefaultTimeout(15_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    await pollInboxUntilRead(page);

    // The reference the citizen was shown finds the file.
    await page.getByLabel("Rechercher").fill(reference!);
    await page.getByRole("button", { name: "Appliquer" }).click();
    // The unfiltered list already shows the file: clicking it before the search has landed would
    // interrupt that navigation (Remix logs the AbortError in the console).
    await page.waitForURL(new RegExp(`q=${reference}`));
    const row = page.getByRole("row").filter({ hasText: reference! });
    await row.getByRole("link", { name: reference! }).click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}/);
    await page.locator("h1", { hasText: "DUBOIS" }).waitFor();
    expect(await page.locator("main").innerText()).toMatch(/4\s?270\s?€/);
    // The commune's file number arrived intact.
    expect(await page.locator("main").innerText()).toContain(FILE_NUMBER);

    await page.getByRole("button", { name: "Prendre en charge" }).click();
    await page.getByText("Dossier pris en charge. HubEE en a été informé.").waitFor();
    await page.getByRole("button", { name: "Traité" }).click();
    await page.getByRole("button", { name: "Confirmer" }).click();
    await page.getByText("Dossier marqué comme traité. HubEE en a été informé.").waitFor();

    // The commune's statuses reached the citizen's folder in HubEE.
    const folder = stack.simulators.modules.hubee.folders().find((f) => f.externalId === `Formulaire-QF-${reference}`)!;
    expect(folder.cases[0]!.events.map((e) => e.caseNewStatus)).toEqual(
      expect.arrayContaining(["SI_RECEIVED", "IN_PROGRESS", "DONE"]),
    );
    expect(agent.errors).toEqual([]);
  }, 120_000);
});
