import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * A busy machine for pacing tests and benchmarks: ONE child process whose worker threads spin on
 * every core (os.availableParallelism()), so our processes, the simulator and the database all
 * compete for the CPU the way they do on a loaded server.
 *
 * The child must never outlive us: it exits when its stdin closes (our end of the pipe goes
 * when this process dies, even by SIGKILL) and, as a second line, when its parent pid is gone.
 */

// Plain JavaScript run with `node -e`: no TypeScript loader in the child, nothing to build.
const CHILD = `
const os = require("node:os");
const { Worker } = require("node:worker_threads");
const parent = process.ppid;
const spin = "for (;;) { Math.sqrt(Math.random()); }";
const workers = Array.from({ length: os.availableParallelism() }, () => new Worker(spin, { eval: true }));
const quit = () => process.exit(0);
process.stdin.on("end", quit);
process.stdin.on("close", quit);
process.stdin.on("error", quit);
process.stdin.resume();
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    quit();
  }
  if (process.ppid !== parent) quit();
}, 500);
let online = 0;
for (const worker of workers) {
  worker.on("online", () => {
    if (++online === workers.length) process.stdout.write("burning " + workers.length + "\\n");
  });
}
`;

export interface CpuBurner {
  /** Spinning threads (one per core). */
  threads: number;
  stop(): Promise<void>;
}

export async function startCpuBurner(): Promise<CpuBurner> {
  const child = spawn(process.execPath, ["-e", CHILD], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = once(child, "exit");
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/burning \d+/.test(stdout)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error("le brûleur de CPU s’est arrêté");
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("le brûleur de CPU n’a pas démarré en 30 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const threads = Number(/burning (\d+)/.exec(stdout)![1]);
  let stopped: Promise<void> | undefined;
  return {
    threads,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGKILL");
          await exited;
        }
        child.stdin.destroy();
      })();
      return stopped;
    },
  };
}
