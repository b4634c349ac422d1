import { purgeExpiredFamilyFiles } from "../app/portal/family-files/family-retention.server.ts";
import type { JobContext } from "./schedules.ts";

/** Retention of the portal's family files, per commune (counts only in the logs and the audit trail). */
export async function purgeFamilyFilesJob({ db }: JobContext) {
  const purged = await purgeExpiredFamilyFiles(db);
  return { communes: purged.length, families: purged.reduce((sum, p) => sum + p.counts.families, 0) };
}
