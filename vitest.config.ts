import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { PROCESS_TEST_TIMEOUT_MS } from "./tests/helpers/process-readiness.ts";

const allTests = "{app,db,jobs,simulators,tests,scripts}/**/*.test.{ts,tsx}";
// Tests that measure the pace at which API Particulier's simulator sees requests arrive. A
// process starved of CPU by parallel test files (Chromium, the built app, PGlite) reads queued
// requests as one burst, so these run last and alone: they measure our limiter, not the load.
const pacedTests = [
  "tests/integration/qf-campaign-rate-limit.test.ts",
  "tests/integration/api-particulier-pacing.test.ts",
];

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    environment: "node",
    testTimeout: 30_000,
    // Hooks start the app, the simulators and Chromium: they wait as long as those make progress and
    // fail with what the process printed (tests/helpers/process-readiness.ts), before vitest would.
    hookTimeout: PROCESS_TEST_TIMEOUT_MS,
    // Browser tests share one built app and one Chromium: keep files in separate
    // processes but cap parallelism to the 2 cores CI has.
    pool: "forks",
    maxWorkers: 2,
    setupFiles: ["tests/helpers/setup-env.ts"],
    // The migrations run once per run, on a template each test file's database is copied from.
    globalSetup: ["tests/helpers/migrated-template.ts"],
    // CI totals passed/failed tests of every run from this report (see .ci/run).
    reporters: process.env.VITEST_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON_REPORT }]]
      : ["default"],
    projects: [
      {
        extends: true,
        test: { name: "suite", include: [allTests], exclude: [...configDefaults.exclude, ...pacedTests] },
      },
      {
        extends: true,
        test: { name: "paced", include: pacedTests, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
