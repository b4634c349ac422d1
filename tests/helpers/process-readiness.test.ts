import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { collect } from "./app-process.ts";
import { cpuTicksOfTree, waitForReadiness } from "./process-readiness.ts";

/** A node process running `script`, as the helpers start ours. */
function run(script: string): { child: ChildProcess; output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  return { child, output: collect(child) };
}

const running: ChildProcess[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
});

const busyFor = (ms: number) => `const end = Date.now() + ${ms}; while (Date.now() < end) {}`;

describe("waiting for a process we started", () => {
  it("waits past the stall bound for a process that works silently (CPU), then sees it ready", async () => {
    // Busy without printing for 2.5 s, five times the stall bound: a fixed 0.5 s clock would fail.
    const { child, output } = run(`${busyFor(2_500)}; console.log("prêt"); setInterval(() => {}, 1000);`);
    await waitForReadiness({
      child,
      output,
      what: "busy.js",
      stallMs: 500,
      capMs: 60_000,
      isReady: () => output().stdout.includes("prêt"),
    });
    expect(output().stdout).toContain("prêt");
  });

  it("fails early, with what the process printed, when it makes no progress", async () => {
    const { child, output } = run(`console.error("connexion à la base…"); setInterval(() => {}, 1000);`);
    const started = Date.now();
    const failure = await waitForReadiness({
      child,
      output,
      what: "stuck.js",
      stallMs: 1_000,
      capMs: 60_000,
      isReady: () => false,
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^stuck\.js is not ready and has made no progress for 1 s/);
    expect((failure as Error).message).toContain("connexion à la base…");
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("fails with the process's stderr when it exits before being ready", async () => {
    const { child, output } = run(`console.error("Configuration invalide : PORT"); process.exit(1);`);
    await expect(waitForReadiness({ child, output, what: "server.ts", isReady: () => false })).rejects.toThrow(
      /server\.ts exited \(code 1\) before being ready[\s\S]*Configuration invalide : PORT/,
    );
  });

  it("returns on exit when the process runs to completion", async () => {
    const { child, output } = run(`console.log("fait")`);
    await waitForReadiness({ child, output, what: "cmd", until: "exit", isReady: () => false });
    expect(output().stdout).toBe("fait\n");
  });

  it("gives up at the cap on a process that keeps working but never becomes ready", async () => {
    const { child, output } = run(`setInterval(() => console.log("."), 50);`);
    await expect(
      waitForReadiness({ child, output, what: "endless.js", stallMs: 10_000, capMs: 1_000, isReady: () => false }),
    ).rejects.toThrow(/^endless\.js is still working but not ready after 1 s/);
  });

  it.runIf(process.platform === "linux")("counts the CPU time of a process and of its children", async () => {
    // The parent sleeps; its child burns CPU, as tsx's wrapper and the node process it runs.
    const { child } = run(
      `require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(busyFor(60_000))}], { stdio: "ignore" }); setInterval(() => {}, 1000);`,
    );
    const first = cpuTicksOfTree(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(cpuTicksOfTree(child.pid!)).toBeGreaterThan(first);
    // The grandchild is not ours to kill through the parent: end it by its pid.
    const { readFileSync, readdirSync } = await import("node:fs");
    for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
      for (const pid of readFileSync(`/proc/${child.pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean)) {
        process.kill(Number(pid), "SIGKILL");
      }
    }
  });
});
