import { purgeCitizenData } from "../app/citizen/retention.server.ts";
import type { JobContext } from "./schedules.ts";

/** Retention of the citizen form: payloads and HubEE ids (counts only in the logs). */
export async function purgeCitizenDataJob({ db }: JobContext) {
  return purgeCitizenData(db);
}
