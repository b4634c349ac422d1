import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runBuild } from "./build-step.mjs";

/** What esbuild's Go service prints when its parent exited under it (shortened). */
const GO_TRACE = [
  "fatal error: all goroutines are asleep - deadlock!",
  "",
  "goroutine 1 [chan receive]:",
  "github.com/evanw/esbuild/internal/helpers.(*ThreadSafeWaitGroup).Wait(...)",
  "main.runService(0x1)",
].join("\n");

/** Runs a stand-in for the build: a Node one-liner writing to stdout and stderr, then exiting. */
async function fakeBuild(opts: { stdout?: string; stderr?: string; code: number }) {
  const script = `process.stdout.write(${JSON.stringify(opts.stdout ?? "")});
process.stderr.write(${JSON.stringify(opts.stderr ?? "")});
process.exitCode = ${opts.code};`;
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c) => (stdout += c));
  err.on("data", (c) => (stderr += c));
  const result = await runBuild({ command: process.execPath, args: ["-e", script], stdout: out, stderr: err });
  return { ...result, stdout, stderr };
}

describe("npm start's build step", () => {
  it("drops esbuild's Go deadlock trace after a successful build and keeps the rest", async () => {
    const run = await fakeBuild({
      stdout: "built (12s)\n",
      stderr: `Remix: warning about a route\n${GO_TRACE}\n`,
      code: 0,
    });
    expect(run.code).toBe(0);
    expect(run.droppedGoDeadlockTrace).toBe(true);
    expect(run.stdout).toBe("built (12s)\n");
    expect(run.stderr).toBe("Remix: warning about a route\n");
  });

  it("shows everything, the trace included, when the build failed", async () => {
    const run = await fakeBuild({ stderr: `✘ [ERROR] Could not resolve "~/nope"\n${GO_TRACE}`, code: 1 });
    expect(run.code).toBe(1);
    expect(run.droppedGoDeadlockTrace).toBe(false);
    expect(run.stderr).toContain('Could not resolve "~/nope"');
    expect(run.stderr).toContain("all goroutines are asleep - deadlock!");
    expect(run.stderr).toContain("main.runService(0x1)");
  });

  it("reports a failed build without any trace with its own exit code", async () => {
    const run = await fakeBuild({ stderr: "tsc: error\n", code: 2 });
    expect(run).toMatchObject({ code: 2, droppedGoDeadlockTrace: false, stderr: "tsc: error\n" });
  });

  it("fails when the build command cannot even start", async () => {
    const err = new PassThrough();
    let stderr = "";
    err.on("data", (c) => (stderr += c));
    const run = await runBuild({ command: "/nonexistent/npm", args: [], stderr: err });
    expect(run.code).not.toBe(0);
    expect(stderr).toContain("/nonexistent/npm");
  });
});
