import { hubeeInboxSettings } from "../app/portal/hubee-reception/hubee-inboxes.server.ts";
import { ingestDueInboxes } from "../app/portal/hubee-reception/inbox-sweep.server.ts";
import type { JobContext } from "./schedules.ts";

/** Reads the HubEE inboxes that are due (SI side), in every worker process (ADR 032). */
export async function ingestHubeeInboxesJob({ db, config, shutdown }: JobContext) {
  // The number of communes read is left out so a run with nothing new counts as idle in the logs.
  const { communes: _communes, ...result } = await ingestDueInboxes(db, hubeeInboxSettings(config), {
    concurrency: config.HUBEE_INBOX_CONCURRENCY,
    signal: shutdown,
  });
  return result;
}
