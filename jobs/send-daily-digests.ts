import { sendDailyDigests } from "../app/portal/notifications/daily-digest.server.ts";
import type { JobContext } from "./schedules.ts";

/** The agents' 8:00 digest of new files (Europe/Paris, see schedules.ts). */
export function sendDailyDigestsJob({ db }: JobContext) {
  return sendDailyDigests(db);
}
