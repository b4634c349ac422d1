import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/browser.ts";

/**
 * What a citizen reads once they consent, for each outcome of the transmission: delivered, pending
 * (HubEE slow or down) and failed for good (HubEE refuses, as for a commune not subscribed to the
 * démarche). Each outcome says what happens next, and nothing on the page contradicts it.
 */

const ANGERS = "21490007900010";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  stack.simulators.modules.hubee.faults.api.clear();
});

/** Angela Dubois logs in with FranceConnect for Angers and lands on the review page. */
async function reachReview(page: Page) {
  await page.goto(`/collectivites/${ANGERS}`);
  await page.getByRole("button", { name: /S’identifier avec FranceConnect/ }).click();
  await page.getByTestId("fc-user-test").check();
  await page.getByLabel("Mot de passe").fill("123");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL(/\/demarche\/verification$/);
}

async function consentAndTransmit(page: Page) {
  await page.locator('label[for="consentement"]').click();
  await page.getByRole("button", { name: "Transmettre à Angers" }).click();
  await page.waitForURL(/\/demarche\/confirmation$/);
}

/** The main content's text, and how many times the shipment's reference appears in it. */
async function readConfirmation(page: Page) {
  // Waits for the confirmation to be drawn: the review page has no reference.
  const reference = (await page.getByTestId("reference").innerText()).match(/[0-9A-F]{13}/)?.[0];
  expect(reference).toBeTruthy();
  const text = (await page.locator("main").innerText()).replace(/\s+/g, " ");
  return { text, referenceCount: text.split(reference!).length - 1 };
}

describe("the confirmation page", () => {
  it("says the QF was transmitted and that there is nothing else to do, with the reference once", async () => {
    const { page, errors } = await stack.newPage();
    await reachReview(page);
    await consentAndTransmit(page);
    const { text, referenceCount } = await readConfirmation(page);
    expect(await page.locator("h1").innerText()).toBe("Votre quotient familial a été transmis à Angers");
    expect(text).toContain("Transmission réussie");
    expect(text).toContain("Vous n’avez rien d’autre à faire");
    expect(text).not.toMatch(/Transmission impossible|Transmission en cours|donnez vous-même votre attestation/);
    expect(referenceCount).toBe(1);
    expect(await page.title()).toBe("Quotient familial transmis - Portail QF");
    expect(errors).toEqual([]);
  });

  it("says the transmission is pending and will go on by itself, not that it was transmitted", async () => {
    const { page, errors } = await stack.newPage();
    await reachReview(page);
    stack.simulators.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [503] });
    await consentAndTransmit(page);
    const { text, referenceCount } = await readConfirmation(page);
    expect(await page.locator("h1").innerText()).toBe("Votre demande est enregistrée");
    // Not yet at the commune: "it will use your QF, nothing else to do" would speak as if it were.
    expect(text).not.toMatch(/a été transmis|rien d’autre à faire|Transmission impossible/);
    expect(text).toContain("Transmission en cours");
    expect(text).toContain("vous n’avez rien à refaire");
    expect(text).toContain("Dès qu’elle l’aura reçu, Angers utilisera votre quotient familial");
    expect(referenceCount).toBe(1);
    expect(errors).toEqual([]);
  });

  it("says what to do instead when the commune cannot receive it, and never that nothing is left to do", async () => {
    const { page, errors } = await stack.newPage();
    await reachReview(page);
    // HubEE's answer for a commune that is not subscribed to the démarche: a 400, final.
    stack.simulators.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [400] });
    await consentAndTransmit(page);
    const { text, referenceCount } = await readConfirmation(page);
    expect(await page.locator("h1").innerText()).toBe("La transmission à Angers n’a pas pu aboutir");
    // The contradiction people met: "give your certificate to your town hall", then "nothing else to do".
    expect(text).not.toMatch(/rien d’autre à faire|rien à refaire|utilisera votre quotient familial|a été transmis/);
    expect(text).toContain("Transmission impossible");
    expect(text).toContain("donnez vous-même votre attestation de quotient familial à votre mairie");
    expect(await page.getByRole("heading", { name: "Les autres solutions" }).count()).toBe(1);
    expect(referenceCount).toBe(1);
    expect(await page.title()).toBe("Transmission impossible - Portail QF");
    expect(errors).toEqual([]);
  });
});

describe("the consent on the review page", () => {
  it.each([
    ["a phone", { width: 390, height: 844 }],
    ["a desktop", { width: 1280, height: 800 }],
  ])("is in line with the page's content on %s", async (_screen, viewport) => {
    const context = await stack.browser.newContext({ baseURL: stack.app.url, locale: "fr-FR", viewport });
    const page = await context.newPage();
    await reachReview(page);
    const left = async (selector: string) => (await page.locator(selector).first().boundingBox())!.x;
    const contentLeft = await left("h1");
    expect(await left("fieldset p")).toBeCloseTo(contentLeft, 0);
    expect(await left("fieldset .fr-checkbox-group")).toBeCloseTo(contentLeft, 0);
    await context.close();
  });
});
