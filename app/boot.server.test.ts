import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { collect, spawnEntryPoint } from "../tests/helpers/app-process.ts";

/**
 * What the web and worker processes do with an error nothing caught (exitOnUncaughtErrors, called
 * first by server.ts and jobs/worker.ts): one JSON line at level fatal, without the values a
 * database error quotes, then exit code 1 for the supervisor to start a new process.
 */
describe("an error nothing caught", () => {
  for (const origin of ["rejection", "exception"] as const) {
    it(`ends the process with one fatal log line and no personal data (${origin})`, async () => {
      const child = spawnEntryPoint("tests/fixtures/processes/uncaught-error.ts", {
        UNCAUGHT: origin,
        LOG_LEVEL: "info",
      });
      const output = collect(child);
      const [code] = (await once(child, "exit")) as [number | null];
      const { stdout, stderr } = output();
      expect(code).toBe(1);
      expect(stdout).not.toContain("toujours en vie");
      expect(`${stdout}${stderr}`).not.toContain("DUBOIS-TEMOIN");
      const fatal = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: number; origin: string; err: Record<string, unknown> })
        .filter((line) => line.level === 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]!.origin).toBe(origin);
      expect(fatal[0]!.err).toMatchObject({ code: "23505", constraint: "families_pkey" });
    });
  }
});
