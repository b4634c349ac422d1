import type { Writable } from "node:stream";

/** The reader went away (closed download, cancelled export): stop reading the database. */
export class ExportAborted extends Error {
  constructor() {
    super("export aborted: the output stream was closed");
  }
}

/** Resolves when `out` can take more, rejects when it is closed or fails first. */
export function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      out.off("error", onError);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ExportAborted());
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    out.on("drain", onDrain);
    out.on("close", onClose);
    out.on("error", onError);
  });
}

/** Writes and waits while `out` is full: the backpressure that keeps an export's memory bounded. */
export async function writeTo(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new ExportAborted();
  if (!out.write(chunk)) await drained(out);
}

/** Ends `out` and waits until everything written was taken by it. */
export function endAndFinish(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.writableFinished) return resolve();
    out.once("finish", () => resolve());
    out.once("error", reject);
    out.once("close", () => (out.writableFinished ? resolve() : reject(new ExportAborted())));
    out.end();
  });
}

/** Called after each batch with the rows written in it (progress bar of background exports). */
export type ProgressFn = (rows: number) => void | Promise<void>;
