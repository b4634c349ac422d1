/**
 * `npm run bench`: runs every benchmark against the PostgreSQL server of BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres; each benchmark creates and drops its own
 * `bench_<name>` database) and writes bench/RESULTS.md.
 *
 *   BENCH_SCALE=0.01 npm run bench          # smoke run
 *   BENCH_ONLY=inbox,campaign npm run bench  # a subset
 *   BENCH_OUTPUT=/tmp/results.md             # elsewhere than bench/RESULTS.md
 *   BENCH_CPU_PROFILE_DIR=/tmp/prof          # CPU profiles of the built server's processes (--cpu-prof)
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// Before any app module reads its configuration: demo defaults, quiet logs.
process.env.NODE_ENV ??= "test";
process.env.LOG_LEVEL ??= "silent";

const { runBenchmarks } = await import("./suite.ts");
const { benchScale } = await import("./lib.ts");

const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const output = process.env.BENCH_OUTPUT ?? fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const report = await runBenchmarks({ scale: benchScale(), only, log: (line) => console.info(line) });
if (existsSync(output) && process.env.BENCH_OUTPUT === undefined && benchScale() !== 1) {
  // A reduced run never overwrites the committed full-size numbers.
  console.info(`BENCH_SCALE=${benchScale()} : résultats non écrits dans ${output} (mettre BENCH_OUTPUT)`);
  console.info(report.markdown);
} else {
  await writeFile(output, report.markdown);
  console.info(`résultats écrits dans ${output}`);
}
for (const goal of report.goals) console.info(`${goal.ok ? "✔" : "✘"} ${goal.label}`);
process.exit(0);
