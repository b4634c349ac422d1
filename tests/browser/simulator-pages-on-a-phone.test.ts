import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFranceConnectClient, demoProConnectClient } from "../../simulators/demo-data.ts";
import { RelyingParty } from "../../simulators/oidc/testing/relying-party.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { CHROMIUM_PATH, launchBrowser } from "../helpers/browser.ts";
import { watchContext } from "../helpers/page-errors.ts";

/**
 * The simulators' login pages as a person on a 390 px phone meets them during the demo: nothing
 * wider than the screen, the buttons reachable, and no console error (the missing favicon was one
 * on every page). The app is not needed: the pages are opened from an authorization request.
 */

const PHONE = { width: 390, height: 844 };
// The app is not running: its callback is never reached, only its origin names the demo clients.
const APP_URL = "http://localhost:9";

let simulators: RunningSimulators;
let browser: Browser;

describe.skipIf(!existsSync(CHROMIUM_PATH))("the simulators' login pages on a phone", () => {
  beforeAll(async () => {
    simulators = await startSimulators({ port: 0, appUrl: APP_URL });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await simulators?.close();
  });

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ locale: "fr-FR", viewport: PHONE });
    watchContext(context, { ownOrigins: [simulators.url] });
    return context.newPage();
  }

  async function expectNoHorizontalOverflow(page: Page) {
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth, "the page is wider than the screen").toBeLessThanOrEqual(clientWidth);
  }

  /** Scrolls the button into view and checks that it, not something drawn over it, gets the click. */
  async function expectClickable(page: Page, testId: string) {
    const button = page.getByTestId(testId);
    await button.scrollIntoViewIfNeeded();
    const box = await button.boundingBox();
    expect(box, `${testId} is not laid out`).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest("[data-testid]")?.getAttribute("data-testid") ?? null,
      [box!.x + box!.width / 2, box!.y + box!.height / 2],
    );
    expect(hit, `${testId} is covered by another element`).toBe(testId);
    // Playwright's own actionability checks (visible, stable, receives events), without clicking.
    await button.click({ trial: true, timeout: 5_000 });
  }

  it("answers a browser's /favicon.ico without a 404, for the pages that are not HTML", async () => {
    const response = await fetch(`${simulators.url}/favicon.ico`);
    expect(response.status).toBe(204);
  });

  it("FranceConnect: fits a 390 px screen and its buttons can be clicked", { timeout: 60_000 }, async () => {
    const rp = await RelyingParty.discover(simulators.franceconnectIssuer, demoFranceConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: "openid identite_pivot", acr_values: "eidas1" });
    const page = await phone();
    await page.goto(request.url.href);
    await expect(page.title()).resolves.toContain("FranceConnect");

    await expectNoHorizontalOverflow(page);
    await page.getByTestId("fc-user-test").check();
    await page.getByLabel("Mot de passe").fill("123");
    await expectClickable(page, "login-submit");
    await expectClickable(page, "cancel");
  });

  it("ProConnect: fits a 390 px screen and an agent can be picked", { timeout: 60_000 }, async () => {
    const rp = await RelyingParty.discover(simulators.proconnectIssuer, demoProConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: "openid given_name usual_name email uid siret idp_id" });
    const page = await phone();
    await page.goto(request.url.href);
    await expect(page.title()).resolves.toContain("ProConnect");

    await expectNoHorizontalOverflow(page);
    await expectClickable(page, "pc-agent-agent-angers-admin");
  });
});
