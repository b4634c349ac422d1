import { sql, type SQL } from "drizzle-orm";
import { hubeeInboxPolls, type InboxRunCounts } from "../../../db/schema/index.ts";

/**
 * How often the scheduled sweep reads a commune's HubEE inbox (ADR 032). Most communes receive a
 * few files a year and a burst before the school year: reading 36,000 inboxes every minute
 * would spend HubEE's calls and our workers on empty queues. An inbox where something just
 * arrived (or where an agent just asked) is read again after the base interval; each quiet or
 * failed read doubles the interval, up to the staleness bound.
 */
export const BASE_POLL_INTERVAL_SECONDS = 60;
/** No inbox waits longer than this between two scheduled reads (plus the sweep's own delay). */
export const MAX_POLL_INTERVAL_SECONDS = 15 * 60;

/** Something reached the commune: a new case, or an event on one. */
export const inboxHadActivity = (counts: InboxRunCounts) =>
  counts.cases + counts.alreadyStored + counts.events + counts.failed > 0;

/**
 * The interval before the next scheduled read, as SQL over the row being released. An agent's
 * « Relever maintenant » counts as activity: they are expecting a file. A failure backs off like
 * a quiet read (HubEE down, or credentials an agent has to fix and will test themselves).
 */
export function intervalAfterRun(trigger: "sweep" | "agent", hadActivity: boolean): SQL<number> {
  if (trigger === "agent" || hadActivity) return sql<number>`${BASE_POLL_INTERVAL_SECONDS}::int`;
  return sql<number>`least(${MAX_POLL_INTERVAL_SECONDS}::int,
    greatest(${BASE_POLL_INTERVAL_SECONDS}::int, ${hubeeInboxPolls.pollIntervalSeconds} * 2))`;
}
