// The build step of `npm start` (scripts/demo.mjs), apart so that it can be tested.
//
// Why the filter: `remix build` (the classic compiler) never disposes its esbuild contexts and
// ends with process.exit(0) once the files are written. esbuild's Go service, an unref'd child
// of that process, sends the Node side a keep-alive "ping" request every second
// (esbuild/lib/main.js answers them); when Node exits while one is in flight, the Go side waits
// for an answer that can no longer come, and the Go runtime aborts with "fatal error: all
// goroutines are asleep - deadlock!" and a page of goroutine stacks (evanw/esbuild#2727, #3636).
// It is a race, likelier when the machine is slow (a cold first build), it happens after the
// build has succeeded, and it does not change the build's exit status. So the trace is dropped
// only when the build succeeded; when it failed, everything is shown and the caller stops.
import { spawn } from "node:child_process";

const GO_DEADLOCK = "fatal error: all goroutines are asleep - deadlock!";

/**
 * Runs the build command, relaying its output as it comes, and resolves with its exit code
 * (1 when it was killed by a signal or could not start). Its stderr is relayed line by line
 * until esbuild's deadlock trace begins; from there it is held back, then dropped if the build
 * exits with 0 and shown in full otherwise.
 *
 * @param {{ command: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv,
 *   stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream }} options
 * @returns {Promise<{ code: number, droppedGoDeadlockTrace: boolean }>}
 */
export function runBuild({ command, args, cwd, env, stdout = process.stdout, stderr = process.stderr }) {
  return new Promise((resolve) => {
    // stdin ignored: nothing to type, and Ctrl-C still reaches the build through the process group.
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(stdout, { end: false });

    let partial = "";
    /** @type {string[] | null} */
    let held = null;
    const onLine = (line) => {
      if (held === null && line.includes(GO_DEADLOCK)) held = [];
      if (held !== null) held.push(line);
      else stderr.write(line + "\n");
    };
    child.stderr.on("data", (chunk) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      lines.forEach(onLine);
    });

    let settled = false;
    const finish = (code) => {
      if (settled) return;
      settled = true;
      if (partial) onLine(partial);
      const dropped = held !== null && code === 0;
      if (held !== null && !dropped) stderr.write(held.join("\n") + "\n");
      resolve({ code, droppedGoDeadlockTrace: dropped });
    };
    child.on("error", (error) => {
      stderr.write(`${command} : ${error.message}\n`);
      finish(1);
    });
    // "close", not "exit": the orphaned esbuild holds the stderr pipe until its trace is written.
    child.on("close", (code) => finish(code ?? 1));
  });
}
