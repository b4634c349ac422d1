// Refreshes the README's portal screenshots from a running demo (`npm start`):
//   npx tsx scripts/take-screenshots.ts [http://localhost:3000]
// Signs in as the demo agent of Angers on the simulated ProConnect, then captures the inbox
// and the first family file. Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../tests/helpers/browser.ts";

const ANGERS = "21490007900010";
const baseURL = process.argv[2] ?? "http://localhost:3000";
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../docs/screenshots");

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ baseURL, locale: "fr-FR", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`/portail/communes/${ANGERS}/dossiers`);
  await page.getByRole("button", { name: /S’identifier avec\s*ProConnect/ }).click();
  await page.getByTestId("pc-agent-agent-angers-admin").click();
  await page.waitForURL(`**/portail/communes/${ANGERS}/dossiers`);
  await page.getByRole("table").waitFor();
  // Tall enough to show the filters and the first rows of the table.
  await page.screenshot({
    path: path.join(outDir, "portal-inbox.png"),
    fullPage: true,
    clip: { x: 0, y: 330, width: 1280, height: 1500 },
  });

  await page.locator('tbody a[href*="/dossiers/"]').first().click();
  await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}/);
  await page.locator("h1").waitFor();
  await page.screenshot({ path: path.join(outDir, "portal-family-file.png"), fullPage: false });
  console.log(`Captures écrites dans ${outDir}`);
} finally {
  await browser.close();
}
