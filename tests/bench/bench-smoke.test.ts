import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-readiness.ts";
import { ROOT } from "../helpers/app-process.ts";

/**
 * Every benchmark of `npm run bench` at a tiny scale, so CI proves they still run against the
 * current code (the numbers themselves are in bench/RESULTS.md). They need PostgreSQL: skipped
 * on a PGlite-only run. The citizen benchmark needs the built app (`npm test` builds first).
 */

const adminUrl = process.env.TEST_DATABASE_URL;
const built = existsSync(`${ROOT}build/index.js`);
const hasExports = existsSync(`${ROOT}bench/exports.ts`);

/** Correctness goals hold at any scale; the speed goals only mean something at full size. */
const CORRECTNESS = /aucun|toutes|stockés|parcours/;

async function runOne(name: string) {
  process.env.BENCH_DATABASE_URL = adminUrl;
  process.env.BENCH_DB_SUFFIX = `_smoke_${process.pid}`;
  const { runBenchmarks } = await import("../../bench/suite.ts");
  const report = await runBenchmarks({ scale: 0.001, only: [name], rethrow: true });
  expect(report.results.map((r) => r.name)).toEqual([name]);
  expect(report.markdown).toContain("## Machine");
  expect(report.results[0]!.markdown.length).toBeGreaterThan(100);
  return report;
}

describe.skipIf(!adminUrl)("benchmarks at smoke scale (PostgreSQL only)", () => {
  it(
    "inbox: the real loader and query code against generated files, and the list over HTTP",
    { timeout: 120_000 },
    async () => {
      const report = await runOne("inbox");
      expect(report.goals.map((g) => g.label).join("\n")).toContain("p95 du loader");
      // The neighbours of a family file: both queries ran and agreed (the bench throws otherwise).
      expect(report.results[0]!.markdown).toContain("| « Tous » par nom, 10e dossier");
      if (built) {
        // Over HTTP: every agent's session accepted and every page served whole.
        const served = report.goals.find((g) => g.label.startsWith("inbox : sur HTTP, aucune page en erreur"));
        expect(served?.ok, served?.label).toBe(true);
      }
    },
  );

  it(
    "campaign: 1, 2 and 3 worker processes at the real limit, counted at the simulator: no 429, no duplicate",
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const report = await runOne("campaign");
      const correctness = report.goals.filter((g) => CORRECTNESS.test(g.label));
      expect(correctness).toHaveLength(4);
      for (const goal of correctness) expect(goal.ok, goal.label).toBe(true);
    },
  );

  it(
    "january: many communes' campaigns started together, 1, 2 and 4 worker processes: per token ≤ 20 a second, no 429, every family once",
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const report = await runOne("january");
      // Every goal of this benchmark is a correctness goal: none depends on the machine's speed.
      expect(report.goals).toHaveLength(4);
      for (const goal of report.goals) expect(goal.ok, goal.label).toBe(true);
      expect(report.results[0]!.markdown).toContain("| Workers | Appels reçus |");
    },
  );

  it(
    "ingestion: every injected case stored with its files, then again with 50 ms per HubEE call",
    { timeout: 120_000 },
    async () => {
      const report = await runOne("ingestion");
      // Stored (correctness), and the rate with a real HubEE's latency (a speed goal: full size only).
      expect(report.goals).toHaveLength(2);
      expect(report.goals[0]!.ok, report.goals[0]!.label).toBe(true);
      expect(report.results[0]!.markdown).toContain("Avec 50 ms par appel HubEE : dossiers par seconde");
    },
  );

  it(
    "inbox-sweep: every commune's inbox visited by one then two sweepers through the HubEE simulator, no failure",
    { timeout: 120_000 },
    async () => {
      const report = await runOne("inbox-sweep");
      const visited = report.goals.find((g) => g.label.startsWith("relevé : toutes les communes"));
      expect(visited?.ok, visited?.label).toBe(true);
      expect(report.results[0]!.markdown).toContain("| Relèveurs | Jetons |");
    },
  );

  it(
    "pacing: worker processes under CPU load never put more than 20 calls in a second, no 429",
    { timeout: 120_000 },
    async () => {
      const report = await runOne("pacing");
      const goal = (start: string) => report.goals.find((g) => g.label.startsWith(start));
      // What the simulator received (the speed goal only means something at full size).
      for (const start of [
        "cadence : fenêtre glissante",
        "cadence : aucun 429",
        "cadence : aucun appel pendant",
        "cadence : toutes",
      ]) {
        expect(goal(start), start).toBeDefined();
        expect(goal(start)!.ok, goal(start)!.label).toBe(true);
      }
      expect(report.results[0]!.markdown).toContain("| Arrivées dans la seconde |");
    },
  );

  it.skipIf(!built)("citizen: virtual citizens through the whole journey", { timeout: 60_000 }, async () => {
    const report = await runOne("citizen");
    expect(report.goals[0]!.ok, report.goals[0]!.label).toBe(true);
  });

  it.skipIf(!built)(
    "web processes: one then two processes serve the same pages without error",
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const report = await runOne("web-processes");
      const errors = report.goals.find((g) => g.label.startsWith("processus web : ") && g.label.endsWith("erreur"));
      expect(errors?.ok, errors?.label).toBe(true);
      expect(report.results[0]!.markdown).toMatch(/\| 1 \| \d+ \|[\s\S]*\| 2 \| \d+ \|/);
    },
  );

  it("audit: appends per commune chain and on one chain, every chain verified", { timeout: 60_000 }, async () => {
    const report = await runOne("audit");
    const verified = report.goals.find((g) => g.label.startsWith("journal : toutes les chaînes"));
    expect(verified?.ok, verified?.label).toBe(true);
    expect(report.results[0]!.markdown).toMatch(/\| 16 \| 16 communes, une chaîne chacune \| \d+/);
  });

  it(
    "tariff-simulation: every family of the commune simulated, page and export included",
    { timeout: 60_000 },
    async () => {
      const report = await runOne("tariff-simulation");
      const all = report.goals.find((g) => g.label.startsWith("simulation : toutes les familles"));
      expect(all?.ok, all?.label).toBe(true);
      expect(report.results[0]!.markdown).toContain("| Export XLSX des deux projets");
    },
  );

  // Sixteen fresh processes (a warm-up, three runs of COPY, CSV, XLSX and ODS, then CSV, XLSX and
  // ODS under the worker's heap cap), each a few seconds to start on a loaded 2-core machine.
  it.skipIf(!hasExports)(
    "exports: each format three times in a fresh process, RSS growth reported",
    { timeout: 180_000 },
    async () => {
      const report = await runOne("exports");
      expect(report.results[0]!.markdown).toContain("croissance du RSS");
      expect(report.results[0]!.markdown).toMatch(/\| 256 Mo \| .+ ms \(× [\d.]+\), RSS \+/);
      expect(report.goals.map((g) => g.label).join("\n")).toMatch(
        /Export ODS en mémoire bornée sous le plafond du worker/,
      );
    },
  );

  it(
    "platform-dashboard: the national dataset scaled down, every query of the page timed with its plan",
    { timeout: 60_000 },
    async () => {
      const report = await runOne("platform-dashboard");
      const markdown = report.results[0]!.markdown;
      expect(markdown).toContain("| Requête | Médiane (ms) | p95 (ms) | Max (ms) |");
      expect(markdown).toContain("| 10. Appels des campagnes |");
      expect(markdown).toMatch(/Jeu de données : 36 communes, 3000 dossiers familles, \d+ éléments de campagne/);
      // One goal per query of the loader, each with its EXPLAIN.
      expect(report.goals).toHaveLength(17);
      expect(markdown.match(/#### /g)).toHaveLength(17);
    },
  );
});
