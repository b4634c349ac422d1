import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";

/** An administrator invites a colleague; the invitation arrives in the simulators' mailbox and leads to the portal. */
describe("invitation mail in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("invites a colleague, opens the invitation in the mailbox page and follows its link", async () => {
    const { page } = await stack.newPage();
    await signInAsAgent(page, `/portail/communes/${ANGERS}/agents`);
    await page.getByLabel("Adresse électronique").fill("nouvelle.collegue@angers.fr");
    await page.getByRole("button", { name: "Inviter", exact: true }).click();
    await page.getByText("elle lui est envoyée par courriel").waitFor();

    // The worker sends it within seconds (deliver-mails every 10 s).
    await page.goto(`${stack.simulators.url}/mails`);
    const link = page.getByRole("link", { name: /Invitation à rejoindre .*Angers/ });
    for (let i = 0; i < 40 && (await link.count()) === 0; i++) {
      await page.waitForTimeout(1_000);
      await page.reload();
    }
    await link.first().click();
    await page.getByRole("heading", { name: /Invitation à rejoindre/ }).waitFor();
    expect(await page.locator("pre").first().innerText()).toContain("Claire Lefebvre vous invite à rejoindre");
    const href = await page
      .frameLocator("iframe")
      .getByRole("link", { name: "Se connecter à Portail QF" })
      .getAttribute("href");
    expect(href).toBe(`${stack.app.url}/portail`);
    await page.goto(href!);
    expect(await page.locator("h1").innerText()).toMatch(/espace agents|Vos communes|Angers/i);
  });
});
