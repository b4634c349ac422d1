import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duboisShipment } from "../fixtures/shipment-data.ts";
import { buildAttachments } from "../../app/formulaire-qf/index.ts";
import { pollInboxUntilRead, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const FAMILIES = 8;

/**
 * A QF update campaign in the real built app: transmissions arrive through HubEE, an agent
 * starts the update from the inbox and watches the progress bar until the report. The web
 * process runs the worker (RUN_WORKER=1), whose campaign job re-queries the API Particulier
 * simulator; the campaign pace is slowed to one family per second so the bar visibly moves.
 */
describe("QF campaign in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    // One family per second: the bar takes a few seconds, several polls see it move.
    stack = await startStack({
      env: { API_PARTICULIER_RATE_LIMIT: "2", API_PARTICULIER_CAMPAIGN_RATE_FRACTION: "0.5" },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("starts an update from the inbox and follows the progress bar to the report", async () => {
    // Synthetic allocataires (SYNTH…): the simulator answers a QF for any of them.
    for (let i = 1; i <= FAMILIES; i++) {
      const reference = `CA4E0000000${String(i).padStart(2, "0")}`;
      const data = duboisShipment({ reference });
      data.pivotIdentity = { ...data.pivotIdentity, familyName: `SYNTHCAMPAGNE${i}` };
      const files = await buildAttachments(data);
      const externalId = `Formulaire-QF-${reference}`;
      stack.simulators.modules.hubee.injectFolder({
        recipientSiret: ANGERS,
        externalId,
        caseExternalId: externalId,
        applicant: { firstName: "Marie", lastName: `SYNTHCAMPAGNE${i}` },
        attachments: files.map((f) => ({
          fileName: f.fileName,
          mimeType: f.mimeType,
          contentBase64: f.content.toString("base64"),
        })),
      });
    }

    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(15_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    await pollInboxUntilRead(page);
    // The current search (the demo's own transmissions arrive in the inbox too).
    await page.getByLabel("Rechercher").fill("synthcampagne");
    await page.getByRole("button", { name: "Appliquer" }).click();
    await page.waitForURL(/q=synthcampagne/);
    await expect.poll(() => page.getByRole("row").filter({ hasText: "SYNTHCAMPAGNE" }).count()).toBe(FAMILIES);

    // Two checked files: the confirmation counts them (the checkboxes belong to a GET form).
    // DSFR draws the box with the label's ::before over the transparent input, which Playwright
    // sees as the label intercepting the click: force it, the click still lands on the drawn box.
    for (const name of [/SYNTHCAMPAGNE1\b/, /SYNTHCAMPAGNE2\b/]) {
      await page.getByRole("checkbox", { name }).check({ force: true });
      expect(await page.getByRole("checkbox", { name }).isChecked()).toBe(true);
    }
    await page.getByRole("button", { name: "Mettre à jour les QF des dossiers cochés" }).click();
    await page.waitForURL(/\/campagnes\/nouvelle\?portee=selection&retour=q%3Dsynthcampagne&dossier=/);
    expect(await page.getByTestId("campaign-count").innerText()).toMatch(/^2 familles seront interrogées/);
    await page.getByRole("link", { name: "Annuler" }).click();
    // Back to the same search: confirmation with the count and the period, then the campaign page.
    await page.waitForURL(/\/dossiers\?q=synthcampagne$/);
    await page.getByRole("link", { name: `Mettre à jour les QF de cette recherche (${FAMILIES} dossiers)` }).click();
    await page.waitForURL(/\/campagnes\/nouvelle\?/);
    expect(await page.getByTestId("campaign-count").innerText()).toMatch(
      new RegExp(`^${FAMILIES} familles seront interrogées`),
    );
    const now = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", month: "numeric", year: "numeric" })
      .format(new Date())
      .split("/");
    expect(await page.getByLabel("Mois", { exact: true }).inputValue()).toBe(String(Number(now[0])));
    expect(await page.getByLabel("Année", { exact: true }).inputValue()).toBe(now[1]);
    // While it runs, the page polls its numbers (…/progression), not its whole loader.
    const requested: string[] = [];
    page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await page.getByRole("button", { name: `Lancer la mise à jour de ${FAMILIES} familles` }).click();
    await page.waitForURL(/\/campagnes\/[0-9a-f-]{36}$/);
    // Post/Redirect/Get: the campaign's page says once that the update started.
    await page.getByRole("status").filter({ hasText: "Mise à jour lancée" }).waitFor();

    const bar = page.getByRole("progressbar");
    expect(await bar.getAttribute("max")).toBe(String(FAMILIES));
    // Sample the bar while the page revalidates itself (no reload): it must pass through
    // intermediate values before reaching the total.
    const seen: number[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const value = Number(await bar.getAttribute("value"));
      if (seen.at(-1) !== value) seen.push(value);
      if (value === FAMILIES) break;
      await page.waitForTimeout(250);
    }
    expect(seen.at(-1)).toBe(FAMILIES);
    expect(seen.some((value) => value > 0 && value < FAMILIES)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    await page.getByRole("heading", { name: "Rapport" }).waitFor();
    // Who launched it, by name, as the journal says it (not « un agent »).
    expect(await page.locator("main").innerText()).toMatch(
      /Résultats d’une recherche · lancée par Claire Lefebvre le /,
    );
    const campaignPath = new URL(page.url()).pathname;
    expect(requested.filter((p) => p.startsWith(`${campaignPath}/progression`)).length).toBeGreaterThan(1);
    // The page's own data: after the launch's redirect, then once when the campaign ended (for
    // the report), where revalidating every 3 seconds re-read and re-sorted its list each time.
    expect(requested.filter((p) => p === `${campaignPath}.data`).length).toBeLessThanOrEqual(2);
    expect(await page.getByText(`${FAMILIES} sur ${FAMILIES} familles traitées (100 %)`).count()).toBe(1);
    const counts = await page.getByRole("navigation", { name: "Listes du rapport" }).innerText();
    const number = (label: string) => Number(new RegExp(`${label} \\((\\d+)\\)`).exec(counts)?.[1] ?? "NaN");
    expect(number("QF modifié") + number("QF inchangé")).toBe(FAMILIES);
    expect(number("En échec")).toBe(0);
    // Each reported family links to its file.
    await page.getByRole("link", { name: /QF modifié/ }).click();
    await page.waitForURL(/liste=updated/);
    if (number("QF modifié") > 0) {
      await page.getByRole("table").getByRole("link").first().click();
      await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}$/);
      await page.locator("h1", { hasText: "SYNTHCAMPAGNE" }).waitFor();
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
