import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { injectFormulaireQfCase } from "../helpers/formulaire-qf-case.ts";
import { releveUntilListed, signInAsAgent, startStack, type Stack } from "../helpers/browser.ts";

const ANGERS = "21490007900010";
const REFERENCE = "E0A0E0000019A";
const FAMILY = "TARIF-LEGRAND";

/** Non-breaking spaces (French amounts) read as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** A DSFR field whose label carries a hint: its accessible name starts with the label. */
const field = (page: Page, label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[()]/g, "\\$&")}`), { exact: false });

async function createService(page: Page, name: string, unit: string): Promise<string> {
  await page.goto(`/portail/communes/${ANGERS}/tarifs`);
  await field(page, "Nom du service").fill(name);
  await page.getByLabel("Unité facturée").selectOption({ label: unit });
  await page.getByRole("button", { name: "Créer le service" }).click();
  await page.waitForURL(/\/tarifs\/[0-9a-f-]{36}$/);
  await page.getByText(`Service « ${name} » créé`).waitFor();
  return page.url();
}

type Rule =
  | { kind: "Taux d’effort"; rate: string; floor: string; ceiling: string; noQf: string }
  | {
      kind: "Tarif linéaire entre deux points";
      qf1: string;
      price1: string;
      qf2: string;
      price2: string;
      noQf: string;
    };

/** Fills « Nouveau projet de tarif » and saves it. */
async function draftRule(page: Page, validFrom: string, rule: Rule) {
  await field(page, "Date d’entrée en vigueur").fill(validFrom);
  // The DSFR radio is drawn by its label, which takes the click as it would a user's.
  const radio = page.getByRole("radio", { name: rule.kind, exact: true });
  await page.locator(`label[for="${await radio.getAttribute("id")}"]`).click();
  expect(await radio.isChecked()).toBe(true);
  if (rule.kind === "Taux d’effort") {
    await field(page, "Taux d’effort (en %)").fill(rule.rate);
    await field(page, "Prix plancher (en €)").fill(rule.floor);
    await field(page, "Prix plafond (en €)").fill(rule.ceiling);
  } else {
    await field(page, "QF du premier point (en €)").fill(rule.qf1);
    await field(page, "Prix au premier point (en €)").fill(rule.price1);
    await field(page, "QF du second point (en €)").fill(rule.qf2);
    await field(page, "Prix au second point (en €)").fill(rule.price2);
  }
  await field(page, "Prix sans QF connu (en €)").fill(rule.noQf);
  await page.getByRole("button", { name: "Enregistrer le projet" }).click();
  await page.getByText("Projet de tarif enregistré.").waitFor();
}

/**
 * Issue 19's journey in the real built app: an administrator of Angers creates two services,
 * publishes their tariffs, sees the prices on a family file and in a CSV export, drafts the next
 * tariff of one, simulates it with units per family and downloads the simulation as XLSX.
 */
describe("tariffs in Chromium", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("from two published services to a simulated draft exported for the council", async () => {
    // Angela Dubois' transmission (QF 2 550 €, no child) under another birth name.
    await injectFormulaireQfCase(stack.simulators, { siret: ANGERS, reference: REFERENCE, familyName: FAMILY });
    const { page, errors } = await stack.newPage();
    page.setDefaultTimeout(10_000);
    await signInAsAgent(page, `/portail/communes/${ANGERS}/dossiers`);
    await releveUntilListed(page, `/portail/communes/${ANGERS}/dossiers?q=${REFERENCE}`, REFERENCE);

    // Two services, each with a tariff in force since last month.
    const morning = await createService(page, "Garderie du matin", "Heure");
    await draftRule(page, day(-30), { kind: "Taux d’effort", rate: "0,1", floor: "0,50", ceiling: "3,00", noQf: "3" });
    await page.getByRole("button", { name: "Publier ce tarif" }).click();
    await page.getByText("Tarif publié.").waitFor();
    expect(plain((await page.getByRole("heading", { level: 3 }).first().textContent())!)).toContain("En vigueur");

    await createService(page, "Séjour d’été", "Journée");
    await draftRule(page, day(-30), {
      kind: "Tarif linéaire entre deux points",
      qf1: "1000",
      price1: "10",
      qf2: "3000",
      price2: "30",
      noQf: "30",
    });
    await page.getByRole("button", { name: "Publier ce tarif" }).click();
    await page.getByText("Tarif publié.").waitFor();

    // The family file: each service's price for a QF of 2 550 €, with the rule in one line.
    await page.goto(`/portail/communes/${ANGERS}/dossiers?q=${FAMILY.toLowerCase()}`);
    await page.getByRole("row").filter({ hasText: REFERENCE }).getByRole("link").first().click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}/);
    const prices = page.getByTestId("tarifs");
    const morningPrice = plain(await prices.getByRole("listitem").filter({ hasText: "Garderie du matin" }).innerText());
    expect(morningPrice).toContain("Garderie du matin : 2,55 € par heure");
    expect(morningPrice).toContain("0,1 % × 2 550 € = 2,55 €");
    const summerPrice = plain(await prices.getByRole("listitem").filter({ hasText: "Séjour d’été" }).innerText());
    expect(summerPrice).toContain("Séjour d’été : 25,50 € par journée");

    // The CSV export of the list carries one price column per service.
    await page.goto(`/portail/communes/${ANGERS}/dossiers?onglet=tous&q=${FAMILY.toLowerCase()}`);
    await page.getByLabel("Format d’export").selectOption("csv");
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Exporter" }).click(),
    ]);
    const [header, row, ...rest] = (await readFile((await csv.path())!, "utf8"))
      .replace(/^\uFEFF/, "")
      .split("\r\n")
      .filter(Boolean)
      .map((line) => line.split(";"));
    expect(rest).toEqual([]);
    expect(row).toContain(REFERENCE);
    expect(row![header!.indexOf("Tarif : Garderie du matin (par heure)")]).toBe("2,55");
    expect(row![header!.indexOf("Tarif : Séjour d’été (par journée)")]).toBe("25,50");

    // Next year's draft for the morning care, simulated on the commune's families.
    await page.goto(morning);
    await draftRule(page, day(200), { kind: "Taux d’effort", rate: "0,12", floor: "0,50", ceiling: "3,00", noQf: "3" });
    await page.getByRole("link", { name: "Simuler" }).click();
    await page.waitForURL(/\/simulation\?projet=/);
    await field(page, "Unités par famille et par an").fill("100");
    await page.getByRole("button", { name: "Simuler" }).click();
    await page.waitForURL(/unites=100/);
    const summary = page.getByRole("table").first();
    const up = Number(
      await summary.getByRole("row").filter({ hasText: "Tarif en hausse" }).getByRole("cell").last().innerText(),
    );
    // The stack's only family at Angers: 2,55 € an hour today, 3,00 € (capped) under the draft.
    expect(up).toBe(1);
    const revenue = page.getByRole("table", { name: "Recettes annuelles pour 100 unités par famille" });
    expect(plain(await revenue.getByRole("row").filter({ hasText: "Différence" }).innerText())).toContain("+45,00 €");
    const increases = page.getByRole("table", { name: /la plus forte hausse/ });
    expect(plain(await increases.getByRole("row").last().innerText())).toMatch(
      /TARIF-LEGRAND Angela Claire Louise\s+2 550 €\s+0\s+2,55 €\s+3,00 €\s+\+0,45 €/,
    );
    await page.screenshot({ path: "/tmp/portal-tariff-simulation.png", fullPage: true });

    // The council's file: the same figures, for the same units.
    const [xlsx] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Télécharger la simulation (XLSX)" }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/^simulation-garderie-du-matin-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await xlsx.path())!)) as unknown as ArrayBuffer);
    const rows = workbook
      .getWorksheet("Synthèse")!
      .getSheetValues()
      .filter(Boolean)
      .map((values) => (values as unknown[]).slice(1).map(String));
    expect(rows).toContainEqual(["Service", "Garderie du matin (par heure)"]);
    expect(rows).toContainEqual(["Familles dont le tarif augmente", String(up)]);
    expect(rows).toContainEqual(["Unités par famille et par an", "100"]);
    expect(workbook.getWorksheet("Recettes")!.rowCount).toBe(4);

    // The family among the largest increases opens its file.
    await increases.getByRole("link", { name: /TARIF-LEGRAND/ }).click();
    await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}/);
    // The URL changes as the client-side navigation ends; the file's heading renders just after.
    await page.locator("h1", { hasText: FAMILY }).waitFor();
    expect(errors).toEqual([]);
  }, 120_000);
});
