import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duboisShipment } from "../fixtures/shipment-data.ts";
import { buildAttachments } from "../../app/formulaire-qf/index.ts";
import { pollInboxUntilRead, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const REFERENCE = "C0FFEE0000042";

/** An agent's inbox journey, in the real built app over the simulators. */
describe("portal inbox in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("relève a transmission, finds it, opens it, takes it in charge and marks it treated", async () => {
    const data = duboisShipment({ reference: REFERENCE });
    data.pivotIdentity = { ...data.pivotIdentity, familyName: "TROIS-DUPRÉ" };
    const files = await buildAttachments(data);
    const externalId = `Formulaire-QF-${REFERENCE}`;
    const folder = stack.simulators.modules.hubee.injectFolder({
      recipientSiret: ANGERS,
      externalId,
      caseExternalId: externalId,
      applicant: { firstName: "Marie", lastName: "TROIS-DUPRÉ" },
      attachments: files.map((f) => ({
        fileName: f.fileName,
        mimeType: f.mimeType,
        contentBase64: f.content.toString("base64"),
      })),
    });
    const caseId = folder.cases[0]!.id;

    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(10_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    expect(await page.locator("h1").innerText()).toBe("Dossiers reçus");

    await pollInboxUntilRead(page);
    const tabs = page.getByRole("navigation", { name: "Dossiers par statut" });
    expect(await tabs.getByRole("link", { name: /À traiter/ }).getAttribute("aria-current")).toBe("page");
    const row = page.getByRole("row").filter({ hasText: REFERENCE });
    await row.waitFor();

    // Filter by name, without accents or hyphen: the state lands in the URL.
    await page.getByLabel("Rechercher").fill("trois dupre");
    await page.getByRole("button", { name: "Appliquer" }).click();
    await page.waitForURL(/q=trois\+dupre/);
    expect(await page.getByRole("row").filter({ hasText: REFERENCE }).count()).toBe(1);
    expect(await page.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("descending");

    await page.getByRole("row").filter({ hasText: REFERENCE }).getByRole("link", { name: REFERENCE }).click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}\?retour=/);
    await page.locator("h1", { hasText: "TROIS-DUPRÉ" }).waitFor();

    await page.getByRole("button", { name: "Prendre en charge" }).click();
    await page.getByText("Dossier pris en charge. HubEE en a été informé.").waitFor();
    // One click never closes the file: « Traité » asks first, and the file is still in progress.
    await page.getByRole("button", { name: "Traité" }).click();
    await page.waitForURL(/confirmer=traite/);
    await page.getByRole("heading", { name: "Marquer ce dossier comme traité ?" }).waitFor();
    expect(await page.locator("h1 + .fr-badge").innerText()).toMatch(/En cours/i);
    expect(
      stack.simulators.modules.hubee
        .folders()
        .flatMap((f) => f.cases)
        .find((c) => c.id === caseId)!.status,
    ).toBe("IN_PROGRESS");
    await page.getByRole("button", { name: "Confirmer" }).click();
    await page.getByText("Dossier marqué comme traité. HubEE en a été informé.").waitFor();
    await expect
      .poll(() => page.getByRole("list", { name: "Historique des statuts" }).innerText(), { timeout: 5_000 })
      .toMatch(/Pris en charge[\s\S]*Traité/);

    const kase = stack.simulators.modules.hubee
      .folders()
      .flatMap((f) => f.cases)
      .find((c) => c.id === caseId)!;
    expect(kase.status).toBe("DONE");
    expect(kase.events.map((e) => e.caseNewStatus)).toEqual(
      expect.arrayContaining(["SI_RECEIVED", "IN_PROGRESS", "DONE"]),
    );

    // Back to the list, in the "Traités" tab.
    await page.getByRole("link", { name: "Retour à la liste" }).click();
    await page
      .getByRole("navigation", { name: "Dossiers par statut" })
      .getByRole("link", { name: /Traités \(1\)/ })
      .click();
    await page.getByRole("row").filter({ hasText: REFERENCE }).waitFor();
    expect(errors).toEqual([]);
  }, 60_000);

  it("lands, after each action, on the file as stored: badge and message agree, with and without JavaScript", async () => {
    const reference = "C0FFEE0000043";
    const data = duboisShipment({ reference });
    data.pivotIdentity = { ...data.pivotIdentity, familyName: "QUATRE-PRG" };
    const files = await buildAttachments(data);
    const externalId = `Formulaire-QF-${reference}`;
    stack.simulators.modules.hubee.injectFolder({
      recipientSiret: ANGERS,
      externalId,
      caseExternalId: externalId,
      applicant: { firstName: "Marie", lastName: "QUATRE-PRG" },
      attachments: files.map((f) => ({
        fileName: f.fileName,
        mimeType: f.mimeType,
        contentBase64: f.content.toString("base64"),
      })),
    });
    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(10_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    await pollInboxUntilRead(page);
    // Opened from a search: the way back to it is kept through every action.
    await page.getByLabel("Rechercher").fill("quatre prg");
    await page.getByRole("button", { name: "Appliquer" }).click();
    await page.waitForURL(/q=quatre\+prg/);
    await page.getByRole("row").filter({ hasText: reference }).getByRole("link", { name: reference }).click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}\?retour=/);
    await page.locator("h1", { hasText: "QUATRE-PRG" }).waitFor();
    const fileUrl = page.url();

    // With JavaScript: what the page shows at the very moment the message appears (a MutationObserver
    // sees every commit), not after things have settled.
    const taken = "Dossier pris en charge. HubEE en a été informé.";
    await page.evaluate((message) => {
      const seen = window as unknown as { whenMessageShown?: { badge: string; treatButtons: boolean[] } };
      new MutationObserver((_, observer) => {
        if (!document.body.innerText.includes(message)) return;
        seen.whenMessageShown = {
          badge: document.querySelector("h1 + .fr-badge")?.textContent ?? "",
          treatButtons: [...document.querySelectorAll("button")]
            .filter((b) => b.textContent?.trim() === "Traité")
            .map((b) => b.disabled),
        };
        observer.disconnect();
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    }, taken);
    await page.getByRole("button", { name: "Prendre en charge" }).click();
    await page.getByText(taken).waitFor();
    expect(await page.evaluate(() => (window as unknown as { whenMessageShown?: unknown }).whenMessageShown)).toEqual({
      badge: "En cours",
      treatButtons: [false],
    });
    // The page is the file's own address, as opened from the inbox.
    expect(page.url()).toBe(fileUrl);

    // Without JavaScript, with the same session: the post is answered by a redirect to the file,
    // so what is shown is a fresh read and reloading it posts nothing again.
    const noJs = await stack.browser.newContext({ baseURL: stack.app.url, locale: "fr-FR", javaScriptEnabled: false });
    await noJs.addCookies(await page.context().cookies());
    const plain = await noJs.newPage();
    plain.setDefaultTimeout(10_000);
    const documents: string[] = [];
    plain.on("request", (request) => {
      if (request.isNavigationRequest() && request.frame() === plain.mainFrame()) documents.push(request.method());
    });
    await plain.goto(fileUrl);
    await plain.getByRole("button", { name: "Traité" }).click();
    await plain.getByRole("heading", { name: "Marquer ce dossier comme traité ?" }).waitFor();
    documents.length = 0;
    await plain.getByRole("button", { name: "Confirmer" }).click();
    await plain.getByText("Dossier marqué comme traité. HubEE en a été informé.").waitFor();
    expect(documents).toEqual(["POST", "GET"]);
    expect(plain.url()).toBe(fileUrl);
    expect(await plain.locator("h1 + .fr-badge").innerText()).toMatch(/^Traité$/i);
    expect(await plain.getByRole("button", { name: "Confirmer" }).count()).toBe(0);
    // The message is said once; the stored status stays.
    documents.length = 0;
    await plain.reload();
    expect(documents).toEqual(["GET"]);
    expect(await plain.locator("h1 + .fr-badge").innerText()).toMatch(/^Traité$/i);
    expect(await plain.getByText("Dossier marqué comme traité").count()).toBe(0);
    await noJs.close();
    expect(errors).toEqual([]);
  }, 60_000);
});
