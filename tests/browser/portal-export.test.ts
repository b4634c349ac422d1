import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFormulaireQfCase } from "../helpers/formulaire-qf-case.ts";
import { releveUntilListed, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";
import type { Page } from "playwright-core";

const ANGERS = "21490007900010";
const REFERENCE = "E0A0E0000007A";

/** Signs in as Angers' administrator after HubEE received one transmission, and relève it. */
async function signedInWithOneFile(stack: Stack): Promise<{ page: Page; errors: string[] }> {
  await injectFormulaireQfCase(stack.simulators, { siret: ANGERS, reference: REFERENCE, familyName: "EXPORT-DUPRÉ" });

  const { page, errors } = await stack.newPage();
  page.setDefaultTimeout(10_000);
  await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
  await releveUntilListed(page, `/portail/communes/${ANGERS}/dossiers?q=${REFERENCE}`, REFERENCE);
  return { page, errors };
}

/** "Exporter" in the real built app: the browser downloads the streamed file of the current list. */
describe("portal export in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("exports the filtered list as a CSV download", async () => {
    const { page, errors } = await signedInWithOneFile(stack);

    await page.getByLabel("Rechercher").fill("export dupre");
    await page.getByRole("button", { name: "Appliquer" }).click();
    await page.waitForURL(/q=export\+dupre/);
    await page.screenshot({ path: "/tmp/portal-export.png", fullPage: true });

    await page.getByLabel("Format d’export").selectOption("csv");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Exporter" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^familles-angers-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await download.path())!, "utf8");
    const lines = text
      .replace(/^\uFEFF/, "")
      .split("\r\n")
      .filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(REFERENCE);
    expect(lines[1]).toContain("EXPORT-DUPRÉ");
    // The page stayed where it was: a download, not a navigation.
    expect(page.url()).toMatch(/q=export\+dupre/);
    expect(errors).toEqual([]);
  }, 90_000);
});

/** Above the threshold (0 here), the worker builds the file and the agent follows the status page. */
describe("background portal export in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { EXPORT_BACKGROUND_THRESHOLD: "0" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows the export's status until it is ready, then downloads the XLSX", async () => {
    const { page, errors } = await signedInWithOneFile(stack);
    await page.getByLabel("Format d’export").selectOption("xlsx");
    await page.getByRole("button", { name: "Exporter" }).click();
    await page.waitForURL(/\/portail\/communes\/\d+\/exports\/[0-9a-f-]{36}$/);
    expect(await page.locator("h1").innerText()).toBe("Export de 1 dossier");
    // Post/Redirect/Get: the status page says the export was requested, and keeps saying it while it polls.
    const requested = page.getByRole("status").filter({ hasText: "Export demandé" });
    expect(await requested.count()).toBe(1);
    const trail = page.getByRole("navigation", { name: "vous êtes ici :" });
    expect(await trail.locator("li").allInnerTexts()).toEqual(["Espace agents", "Angers", "Exports", "Export"]);
    expect(await trail.getByRole("link", { name: "Exports" }).getAttribute("href")).toBe(
      `/portail/communes/${ANGERS}/exports`,
    );
    // The worker runs every 10 s; the page follows by itself.
    await page.getByText("Le fichier est prêt", { exact: false }).waitFor({ timeout: 30_000 });
    expect(await requested.count()).toBe(1);
    await page.screenshot({ path: "/tmp/portal-export-status.png", fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: /Télécharger familles-angers-/ }).click(),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const families = workbook.getWorksheet("Familles")!;
    expect(families.rowCount).toBe(2);
    expect(families.getRow(2).getCell(1).value).toBe(REFERENCE);
    expect(errors).toEqual([]);
  }, 90_000);
});
