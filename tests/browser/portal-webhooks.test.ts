import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFormulaireQfCase } from "../helpers/formulaire-qf-case.ts";
import { pollInboxUntilRead, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";
import { schemaErrors, startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const ANGERS = "21490007900010";
const REFERENCE = "C0FFEE0000808";

/** An administrator sets up a webhook in the built app; the worker delivers real events to a local receiver. */
describe("portal webhooks in Chromium", () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    stack = await startStack();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  it("creates a webhook, shows its secret once, sends a test, and delivers dossier.recu from the worker", async () => {
    const { page, errors, allowErrors } = await stack.newPage();
    page.setDefaultTimeout(15_000);
    // The invalid form below is answered 400 on purpose (with its field errors); Chromium logs the status.
    allowErrors(/^400 .*\/webhooks\.data\?index$/);
    allowErrors(/status of 400 \(Bad Request\)/);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/webhooks`);
    expect(await page.locator("h1").innerText()).toBe("Webhooks");
    expect(
      await page
        .getByRole("navigation", { name: "Espace de la commune" })
        .getByRole("link", { name: "Webhooks" })
        .getAttribute("aria-current"),
    ).toBe("page");

    // A mistake first: a summary links to the field, which says what is wrong and keeps what was typed.
    await page.getByLabel(/Adresse de réception/).fill("ftp://sig.angers.fr/qf");
    await page.getByRole("button", { name: "Ajouter le webhook" }).click();
    await page
      .getByRole("alert")
      .getByRole("link", { name: /^Adresse de réception : L’adresse doit commencer par https:\/\// })
      .waitFor();
    expect(await page.locator("#url-error").innerText()).toContain("L’adresse doit commencer par https://");
    expect(await page.getByLabel(/Adresse de réception/).inputValue()).toBe("ftp://sig.angers.fr/qf");

    await page.getByLabel(/Adresse de réception/).fill(receiver.url);
    await page.getByLabel(/Description/).fill("Logiciel enfance");
    // DSFR draws its own box over the native input: check it as a click on the label would.
    await page.getByRole("checkbox", { name: /QF mis à jour/ }).check({ force: true });
    await page.getByRole("button", { name: "Ajouter le webhook" }).click();
    const secretField = page.getByLabel("Secret", { exact: true });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.push(secret);
    await page.screenshot({ path: "/tmp/webhooks-created.png", fullPage: true });

    await page.getByRole("link", { name: "Voir le webhook et envoyer un événement de test" }).click();
    await page.waitForURL(/\/webhooks\/[0-9a-f-]{36}$/);
    await page.locator("h1", { hasText: /^Webhook$/ }).waitFor();
    // Loaded in full too, not only reached by a client-side navigation: the server's HTML must hydrate
    // without a mismatch (a badge <p> inside the lead <p> broke it on every load). The stack's page
    // watch fails the test on React's hydration error.
    await page.reload({ waitUntil: "networkidle" });
    expect(errors.filter((e) => /React|hydrat/i.test(e))).toEqual([]);
    expect(await page.content()).not.toContain(secret);
    await page.getByRole("button", { name: "Envoyer un événement de test" }).click();
    await page.getByText("Événement livré").waitFor();
    expect(receiver.accepted.map((r) => r.type)).toEqual(["test.ping"]);
    await page.getByRole("row").filter({ hasText: "Livré" }).first().waitFor();

    // A family transmits; the commune's inbox is read; the worker delivers dossier.recu.
    await injectFormulaireQfCase(stack.simulators, {
      siret: ANGERS,
      reference: REFERENCE,
      applicantFirstName: "Angela",
    });
    await page.goto(`/portail/communes/${ANGERS}/dossiers`);
    await pollInboxUntilRead(page);
    await expect
      .poll(
        () => receiver.accepted.some((r) => r.type === "dossier.recu" && JSON.stringify(r.payload).includes(REFERENCE)),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    const dossier = receiver.accepted.find((r) => JSON.stringify(r.payload).includes(REFERENCE))!;
    expect(schemaErrors(dossier.payload)).toEqual([]);
    // The list, by its address: the history now holds the redirects of Post/Redirect/Get.
    await page.goto(`/portail/communes/${ANGERS}/webhooks`);
    await page.getByRole("link", { name: receiver.url }).click();
    await page.getByRole("row").filter({ hasText: "Dossier reçu" }).first().waitFor();
    await page.screenshot({ path: "/tmp/webhooks-endpoint.png", fullPage: true });
    // The one 400 is the invalid form above, answered 400 on purpose (with its field errors).
    const unexpected = errors.filter(
      (e) => !/^400 .*\/webhooks\.data\?index$/.test(e) && !e.includes("status of 400 (Bad Request)"),
    );
    expect(unexpected).toEqual([]);
    expect(errors.filter((e) => e.startsWith("400 "))).toHaveLength(1);
  });
});
