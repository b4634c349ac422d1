import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";

describe("citizen journey in Chromium, over the simulators", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(
    "Angela Dubois picks Angers, logs in with FranceConnect, sees QF 4270, consents and transmits",
    { timeout: 90_000 },
    async () => {
      const { page, errors } = await stack.newPage();
      await page.goto("/");
      await page.getByRole("link", { name: "Commencer" }).click();
      await page.getByLabel(/Rechercher votre commune/).fill("angers");
      await page.getByRole("button", { name: "Rechercher" }).click();
      await page.getByRole("link", { name: "Angers", exact: true }).click();
      await page.waitForURL(new RegExp(`/collectivites/${ANGERS}$`));
      const trail = page.getByRole("navigation", { name: "vous êtes ici :" });
      expect(await trail.locator("li").allInnerTexts()).toEqual(["Accueil", "Choisir votre commune", "Angers"]);
      expect(await trail.getByRole("link", { name: "Choisir votre commune" }).getAttribute("href")).toBe(
        "/collectivites",
      );

      await page.getByRole("button", { name: /S’identifier avec FranceConnect/ }).click();
      await page.getByTestId("fc-user-test").check();
      await page.getByLabel("Mot de passe").fill("123");
      await page.getByRole("button", { name: "Se connecter" }).click();

      await page.waitForURL(/\/demarche\/verification$/);
      expect(await page.getByTestId("qf-value").innerText()).toMatch(/4\s?270\s?€/);
      const shownAllocataires = await page.getByTestId("allocataires").innerText();
      expect(shownAllocataires).toMatch(/DUBOIS/);

      // Without consent: an error tied to the checkbox, nothing sent.
      await page.getByRole("button", { name: "Transmettre à Angers" }).click();
      await page.waitForLoadState("networkidle");
      expect(stack.simulators.modules.hubee.folders().filter((f) => f.processCode === "FormulaireQF")).toHaveLength(0);

      // As a person does: the DSFR checkbox is drawn by its label, which receives the click.
      await page.locator('label[for="consentement"]').click();
      expect(await page.getByLabel(/J’accepte que ces informations soient transmises à Angers/).isChecked()).toBe(true);
      await page.getByRole("button", { name: "Transmettre à Angers" }).click();
      await page.waitForURL(/\/demarche\/confirmation$/);
      const reference = (await page.getByTestId("reference").innerText()).match(/[0-9A-F]{13}/)?.[0];
      expect(reference).toBeTruthy();
      expect(await page.locator("h1").innerText()).toContain("transmis à Angers");

      const folders = stack.simulators.modules.hubee.folders().filter((f) => f.processCode === "FormulaireQF");
      expect(folders).toHaveLength(1);
      expect(folders[0]!.externalId).toBe(`Formulaire-QF-${reference}`);
      expect(folders[0]!.attachments).toHaveLength(3);
      const json = JSON.parse(
        stack.simulators.modules.hubee.attachmentBytes(folders[0]!.attachments[0]!.id)!.toString(),
      );
      expect(json.quotient_familial_v3.quotient_familial.valeur).toBe(4270);
      expect(json.pivot_identity).toMatchObject({
        family_name: "DUBOIS",
        given_name: "Angela Claire Louise",
        birthdate: "1962-08-24",
      });
      expect(json.quotient_familial_v3.allocataires[0].nom_naissance).toBe(shownAllocataires.match(/DUBOIS/)?.[0]);
      expect(errors).toEqual([]);
    },
  );

  it("tells a citizen without a CAF/MSA file that the QF was not found, with the alternatives", async () => {
    const { page } = await stack.newPage();
    await page.goto(`/collectivites/${ANGERS}`);
    await page.getByRole("button", { name: /S’identifier avec FranceConnect/ }).click();
    await page.getByTestId("fc-user-plusieurs_prénoms_2").check();
    await page.getByLabel("Mot de passe").fill("123");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(/\/demarche\/qf-introuvable$/);
    expect(await page.locator("h1").innerText()).toContain("pas trouvé votre quotient familial");
    expect(await page.getByRole("heading", { name: "Les autres solutions" }).count()).toBe(1);
  });

  it("brings a citizen who cancels at FranceConnect back to the commune page with a message", async () => {
    const { page } = await stack.newPage();
    await page.goto(`/collectivites/${ANGERS}`);
    await page.getByRole("button", { name: /S’identifier avec FranceConnect/ }).click();
    await page.getByTestId("cancel").click();
    await page.waitForURL(new RegExp(`/collectivites/${ANGERS}\\?franceconnect=annule`));
    expect(await page.getByText("Vous avez annulé la connexion avec FranceConnect").count()).toBe(1);
  });
});
