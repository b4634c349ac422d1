import { once } from "node:events";
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFranceConnectClient, demoProConnectClient } from "../demo-data.ts";
import { createFranceConnectSimulator } from "../franceconnect/index.ts";
import { createProConnectSimulator } from "../proconnect/index.ts";
import { RelyingParty } from "./testing/relying-party.ts";
import { serveModules, type TestServer } from "./testing/serve-modules.ts";
import type { OidcSimulator } from "./oidc-simulator.ts";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let APP_URL: string;
let app: http.Server;
let server: TestServer<{ fc: OidcSimulator; pc: OidcSimulator }>;
let browser: Browser;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: "fr-FR" });
  return context.newPage();
}

describe.skipIf(!existsSync(CHROMIUM_PATH))("login pages in headless Chromium", () => {
  beforeAll(async () => {
    // A stub of the app: Playwright's request routing does not see server redirects.
    app = http.createServer((_req, res) => res.end("retour dans l'application"));
    app.listen(0, "127.0.0.1");
    await once(app, "listening");
    APP_URL = `http://localhost:${(app.address() as AddressInfo).port}`;
    server = await serveModules(async (url) => ({
      fc: await createFranceConnectSimulator({ issuer: `${url}/franceconnect/api/v2`, appUrl: APP_URL }),
      pc: await createProConnectSimulator({ issuer: `${url}/proconnect/api/v2`, appUrl: APP_URL }),
    }));
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    app?.closeAllConnections();
    app?.close();
  });

  it("signs Angela Dubois in on FranceConnect, then logs her out", async () => {
    const rp = await RelyingParty.discover(server.modules.fc.issuer, demoFranceConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: "openid identite_pivot", acr_values: "eidas1" });
    const page = await newPage();
    await page.goto(request.url.href);
    await expect(page.title()).resolves.toContain("FranceConnect");
    await page.getByTestId("fc-user-test").check();
    await page.getByLabel("Mot de passe").fill("123");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(`${APP_URL}/auth/franceconnect/callback?**`);
    const tokens = await rp.exchange(page.url(), request);
    expect(tokens.claims()).toMatchObject({ family_name: "DUBOIS", birthdate: "1962-08-24" });

    const logout = rp.endSessionUrl({
      id_token_hint: tokens.id_token!,
      state: "etat-navigateur",
      post_logout_redirect_uri: `${APP_URL}/auth/franceconnect/logout-callback`,
    });
    await page.goto(logout.href);
    expect(page.url()).toBe(`${APP_URL}/auth/franceconnect/logout-callback?state=etat-navigateur`);
  });

  it("shows the wrong-password error and cancels back to the app", async () => {
    const rp = await RelyingParty.discover(server.modules.fc.issuer, demoFranceConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: "openid identite_pivot", acr_values: "eidas1" });
    const page = await newPage();
    await page.goto(request.url.href);
    await page.getByTestId("fc-user-test").check();
    await page.getByLabel("Mot de passe").fill("000");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("mot de passe incorrect");
    await page.getByRole("button", { name: "Annuler" }).click();
    await page.waitForURL(`${APP_URL}/**`);
    expect(new URL(page.url()).searchParams.get("error")).toBe("access_denied");
  });

  it("signs an agent in on ProConnect with one click", async () => {
    const rp = await RelyingParty.discover(server.modules.pc.issuer, demoProConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: "openid given_name usual_name email uid siret idp_id" });
    const page = await newPage();
    await page.goto(request.url.href);
    await page.getByTestId("pc-agent-agent-angers-admin").click();
    await page.waitForURL(`${APP_URL}/portail/auth/callback?**`);
    const tokens = await rp.exchange(page.url(), request);
    const userinfo = await rp.userInfo(tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject({ email: "claire.lefebvre@angers.fr", siret: "21490007900010" });
  });
});
