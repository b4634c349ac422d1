import { purgeExports, runPendingExports } from "../app/portal/exports/exports.server.ts";
import type { JobContext } from "./schedules.ts";

/** A run builds exports for under a minute; the 10 s schedule (noOverlap) starts the next one right after. */
const RUN_MS = 50_000;

/** Every worker instance runs this: instances share waiting exports through SKIP LOCKED claims and leases. */
export async function runExportsJob({ db }: JobContext) {
  return runPendingExports(db, { until: Date.now() + RUN_MS });
}

/** Export files are kept 24 h (docs/decisions/007-exports.md). */
export async function purgeExportsJob({ db }: JobContext) {
  return purgeExports(db);
}
