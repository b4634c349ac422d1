import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFormulaireQfCase } from "../helpers/formulaire-qf-case.ts";
import { releveUntilListed, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const REFERENCE = "F11E7E0000A1B";
const INBOX = `/portail/communes/${ANGERS}/dossiers`;

const top = async (locator: Locator) => (await locator.boundingBox())!.y;

/** The top of each filter's label and control on the line of the dates, QF, children and status. */
async function filterLine(page: Page) {
  const form = page.getByRole("search", { name: "Filtrer les dossiers" });
  const names = ["du", "au", "qfMin", "qfMax", "enfants", "statut"];
  return Promise.all(
    names.map(async (name) => ({
      name,
      label: await top(form.locator(`label[for="${name}"]`)),
      control: await top(form.locator(`#${name}`)),
    })),
  );
}

/** The inbox's filters as an agent types them, in the built app. */
describe("inbox filters in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("says a QF range typed backwards is empty, on its field, and lists no file", async () => {
    // One file with a QF of 2 550 €: inside 2 000–3 000, which a swapped 3 000–2 000 used to list.
    await injectFormulaireQfCase(stack.simulators, { siret: ANGERS, reference: REFERENCE, familyName: "FILTRE-QF" });
    const { page } = await stack.newPage();
    page.setDefaultTimeout(15_000);
    await signInAsAgent(page, INBOX);
    const row = await releveUntilListed(page, `${INBOX}?onglet=tous&qfMin=2000&qfMax=3000`, REFERENCE);

    await page.getByLabel("QF minimum").fill("3000");
    await page.getByLabel("QF maximum").fill("2000");
    await page.getByRole("button", { name: "Appliquer" }).click();
    await page.waitForURL(/qfMin=3000&qfMax=2000/);
    const field = page.getByLabel("QF maximum");
    await expect.poll(() => field.getAttribute("aria-invalid"), { timeout: 10_000 }).toBe("true");
    const message = await page.locator(`#${await field.getAttribute("aria-describedby")}`).innerText();
    expect(message).toMatch(/^Le QF maximum \(2\s000\) est inférieur au QF minimum \(3\s000\) : aucun dossier/);
    // The summary at the top of the form leads to the field; the values typed stay as typed.
    expect(
      await page
        .getByRole("alert")
        .getByRole("link", { name: /^QF maximum :/ })
        .getAttribute("href"),
    ).toBe("#qfMax");
    expect(await page.getByLabel("QF minimum").inputValue()).toBe("3000");
    expect(await row.count()).toBe(0);
    expect(await page.getByRole("table").count()).toBe(0);
    expect(await page.getByText("Aucun dossier ne peut correspondre à ces filtres").count()).toBe(1);
    const tabs = page.getByRole("navigation", { name: "Dossiers par statut" });
    expect(await tabs.getByRole("link", { name: /Tous/ }).innerText()).toBe("Tous (0)");
  }, 90_000);

  it("keeps the status filter in line with the others, its note under it", async () => {
    const { page } = await stack.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAsAgent(page, INBOX);
    const line = await filterLine(page);
    for (const field of line) {
      expect({ name: field.name, label: field.label, control: field.control }).toEqual({
        name: field.name,
        label: line[0]!.label,
        control: line[0]!.control,
      });
    }
    // Outside the "Tous" tab the status filter says where it applies.
    expect(
      await page
        .locator(`#${(await page.getByLabel("Statut", { exact: true }).getAttribute("aria-describedby"))!}`)
        .innerText(),
    ).toBe("Dans l’onglet « Tous »");
    // And still in line when a range error shows under one of them.
    await page.goto(`${INBOX}?qfMin=2000&qfMax=100`);
    await page.getByRole("alert").waitFor();
    const withError = await filterLine(page);
    expect(new Set(withError.map((f) => f.label)).size).toBe(1);
    expect(new Set(withError.map((f) => f.control)).size).toBe(1);
  }, 60_000);
});
