import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";

/** The agent's login with ProConnect, over the simulator, in the real built app. */
describe("portal login in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("lets Claire Lefebvre into the Angers space, then logs her out everywhere", async () => {
    const { page, errors } = await stack.newPage();
    // An unauthenticated visit to the portal lands on the login page.
    await page.goto(`/portail/communes/${ANGERS}/agents`);
    expect(new URL(page.url()).pathname).toBe("/portail/connexion");
    expect(await page.locator("h1").innerText()).toContain("Connexion à l’espace agents");
    expect(await page.getByRole("link", { name: /Qu’est-ce que ProConnect/ }).getAttribute("href")).toBe(
      "https://www.proconnect.gouv.fr/",
    );

    await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
    await page.getByTestId("pc-agent-agent-angers-admin").click();
    // Back where she was going, in the Angers space.
    await page.waitForURL(`**/portail/communes/${ANGERS}/agents`);
    expect(await page.locator("h1").innerText()).toBe("Agents de la commune");
    expect(await page.getByText("Connecté :").innerText()).toContain("Claire Lefebvre");
    expect(
      await page
        .getByRole("navigation", { name: "Espace de la commune" })
        .getByRole("link", { name: "Paramètres" })
        .count(),
    ).toBe(1);

    // /portail goes straight to her only commune.
    await page.goto("/portail");
    await page.waitForURL(`**/portail/communes/${ANGERS}`);
    // « d’Angers », not « de Angers »: French elides before a vowel.
    expect(await page.locator("h1").innerText()).toBe("Espace d’Angers");

    await page.getByRole("button", { name: "Se déconnecter partout" }).click();
    await page.waitForURL("**/portail/connexion?deconnexion=partout");
    expect(await page.getByText("Vous êtes déconnecté sur tous vos appareils.").count()).toBe(1);
    // The session is gone: the portal asks for a login again.
    await page.goto(`/portail/communes/${ANGERS}`);
    expect(new URL(page.url()).pathname).toBe("/portail/connexion");
    // ProConnect's session ended too (session/end): it asks whom to sign in again instead of coming straight back.
    await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
    await page.getByTestId("pc-agent-agent-angers-admin").waitFor();
    expect(errors).toEqual([]);
  });

  it("shows Antoine Santoni, whose siret ProConnect substituted, how his commune gets access", async () => {
    const { page, errors, allowErrors } = await stack.newPage();
    // The Angers space answers him 404 on purpose; Chromium logs that as a console error.
    allowErrors(/status of 404 \(Not Found\)/);
    await page.goto("/portail/connexion");
    await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
    await page.getByTestId("pc-agent-agent-ajaccio-substituted").click();
    await page.waitForURL((url) => url.pathname === "/portail");
    expect(await page.locator("h1").innerText()).toBe("Vous n’avez pas encore accès à l’espace d’une commune");
    expect(await page.getByText("nouvel.agent@ajaccio.fr").first().isVisible()).toBe(true);
    expect(await page.getByRole("link", { name: "DataPass" }).count()).toBe(1);
    // The substituted siret names no onboarded commune: nothing to ask to join.
    expect(await page.getByRole("button", { name: /Demander à rejoindre/ }).count()).toBe(0);
    // And the Angers space stays closed to him.
    const response = await page.goto(`/portail/communes/${ANGERS}`);
    expect(response?.status()).toBe(404);

    await page.goto("/portail");
    await page.getByRole("button", { name: "Se déconnecter", exact: true }).click();
    await page.waitForURL("**/portail/connexion?deconnexion=deconnexion");
    expect(await page.getByText("Vous êtes déconnecté.").count()).toBe(1);
    expect(errors.filter((e) => !e.includes("status of 404"))).toEqual([]);
  });

  it("saves the commune's settings with Post/Redirect/Get: a message once, the stored values, no typed secret", async () => {
    const { page, errors } = await stack.newPage();
    const path = `/portail/communes/${ANGERS}/parametres`;
    await signInAsAgent(page, path);
    const breadcrumb = page.getByRole("navigation", { name: "vous êtes ici :" });
    expect(await breadcrumb.getByRole("link", { name: "Angers" }).getAttribute("href")).toBe(
      `/portail/communes/${ANGERS}`,
    );
    expect(await breadcrumb.locator('[aria-current="page"]').innerText()).toBe("Paramètres");

    const section = (title: string) => page.locator("section", { has: page.getByRole("heading", { name: title }) });
    await page.locator("#hubeeSiClientId").fill("si-49007-navigateur");
    await page.locator("#hubeeSiSecret").fill("secret-tape-dans-le-navigateur");
    await section("Réception des dossiers (HubEE)").getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("status").filter({ hasText: "Identifiants HubEE enregistrés." }).waitFor();
    // The form was rebuilt from what is stored: the secret typed is gone from the page.
    expect(await page.locator("#hubeeSiSecret").inputValue()).toBe("");
    expect(await page.locator("#hubeeSiClientId").inputValue()).toBe("si-49007-navigateur");
    expect(await page.content()).not.toContain("secret-tape-dans-le-navigateur");

    await page.locator("#contactEmail").fill("QF@Angers.fr");
    await section("Page publique de la commune").getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("status").filter({ hasText: "Page publique enregistrée." }).waitFor();
    expect(await page.locator("#contactEmail").inputValue()).toBe("qf@angers.fr");
    // Once: a reload shows the page without the message, and re-posts nothing.
    await page.reload();
    await page.locator("h1", { hasText: "Paramètres de la commune" }).waitFor();
    expect(await page.getByText("Page publique enregistrée.").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
