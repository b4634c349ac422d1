import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["{app,db,jobs,simulators,tests,scripts}/**/*.test.{ts,tsx}"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Browser tests share one built app and one Chromium: keep files in separate
    // processes but cap parallelism to the 2 cores CI has.
    pool: "forks",
    maxWorkers: 2,
    setupFiles: ["tests/helpers/setup-env.ts"],
    // CI totals passed/failed tests of every run from this report (see .ci/run).
    reporters: process.env.VITEST_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.VITEST_JSON_REPORT }]]
      : ["default"],
  },
});
