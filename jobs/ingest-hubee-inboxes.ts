import { hubeeInboxSettings, ingestAllCommunes } from "../app/portal/hubee-reception/hubee-inboxes.server.ts";
import type { JobContext } from "./schedules.ts";

/** Reads the HubEE inbox of every commune that uses the portal (SI side). */
export async function ingestHubeeInboxesJob({ db, config }: JobContext) {
  // The number of communes read is left out so a run with nothing new counts as idle in the logs.
  const { communes: _communes, ...result } = await ingestAllCommunes(db, hubeeInboxSettings(config));
  return result;
}
