import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { startApp, type RunningApp } from "./app-process.ts";
import { freePort } from "./free-port.ts";
import { watchContext, type PageErrors } from "./page-errors.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags that keep Chromium from reaching for the network this machine does not have. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface Stack {
  app: RunningApp;
  simulators: RunningSimulators;
  browser: Browser;
  /**
   * A new page in a fresh context, watched for console errors, hydration warnings and page errors:
   * the calling test fails at its end on any it did not allow (see page-errors.ts).
   */
  newPage(): Promise<{ page: Page } & PageErrors>;
  stop(): Promise<void>;
}

/**
 * The real product for browser tests: the simulators in-process, the built web
 * server (with its worker) as a child process configured to use them, and Chromium.
 */
export async function startStack(options: { env?: Record<string, string> } = {}): Promise<Stack> {
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const simulators = await startSimulators({ port: 0, appUrl });
  const app = await startApp({
    port,
    env: {
      RUN_WORKER: "1",
      FRANCECONNECT_ISSUER: simulators.franceconnectIssuer,
      PROCONNECT_ISSUER: simulators.proconnectIssuer,
      API_PARTICULIER_URL: simulators.apiParticulierUrl,
      HUBEE_API_URL: simulators.hubeeApiUrl,
      HUBEE_TOKEN_URL: simulators.hubeeTokenUrl,
      SMTP_URL: simulators.smtpUrl,
      ...options.env,
    },
  }).catch(async (error: unknown) => {
    await simulators.close();
    throw error;
  });
  // A browser that cannot start (not installed) must not leave the app and the simulators running
  // after the test run: the suite's afterAll has no stack to stop.
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await app.stop();
    await simulators.close();
    throw error;
  });
  return {
    app,
    simulators,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: app.url, locale: "fr-FR" });
      const watched = watchContext(context, { ownOrigins: [app.url, `http://127.0.0.1:${app.port}`] });
      return { page: await context.newPage(), ...watched };
    },
    async stop() {
      await browser.close();
      await app.stop();
      await simulators.close();
    },
  };
}

/**
 * Clicks « Relever maintenant » on the inbox until a relevé by the agent has read it (the flash
 * counts the new files). The worker sweeps every inbox each minute: when its sweep holds the commune's
 * inbox, the page says one is already running (« en cours »), and the next click, once it is done,
 * reads what is left. On CI's shared cores a relevé can take longer than a click usually waits.
 */
export async function pollInboxUntilRead(page: Page, timeout = 45_000): Promise<void> {
  const deadline = Date.now() + 2 * timeout;
  for (;;) {
    await page.getByRole("button", { name: "Relever maintenant" }).click();
    const status = page
      .getByRole("status")
      .filter({ hasText: /dossier|en cours/ })
      .last();
    await status.waitFor({ timeout });
    // « vient d’être relevée »: an earlier click of this stack read it seconds ago (coalesced), and
    // the files a test has just put there may not have been read: click again once allowed.
    if (!/en cours|vient d’être relevée/.test(await status.innerText())) return;
    if (Date.now() > deadline) throw new Error("the HubEE inbox stayed busy: no relevé by the agent");
    await page.waitForTimeout(1_000);
  }
}

/**
 * Opens a portal page and signs in on the ProConnect simulator as a demo agent (Claire
 * Lefebvre, Angers' administrator, by default); resolves once back on that page.
 */
export async function signInAsAgent(page: Page, path: string, agentUid = "agent-angers-admin"): Promise<void> {
  await page.goto(path);
  await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
  await page.getByTestId(`pc-agent-${agentUid}`).click();
  await page.waitForURL(`**${path}`);
}

/**
 * « Relever maintenant » on the inbox the page shows, then opens `listPath` until the case with
 * `reference` is listed: the worker's sweep may hold the inbox's lease and read it itself, in
 * which case the agent's click only marks it for another read and the list fills a little later.
 */
export async function releveUntilListed(page: Page, listPath: string, reference: string): Promise<Locator> {
  await page.getByRole("button", { name: "Relever maintenant" }).click();
  const row = page.getByRole("row").filter({ hasText: reference });
  await expect
    .poll(
      async () => {
        await page.goto(listPath);
        return row.count();
      },
      { timeout: 40_000, interval: 1_000 },
    )
    .toBe(1);
  return row;
}
