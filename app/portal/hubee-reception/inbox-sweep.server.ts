import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import { logger } from "~/utils/logger.server";
import { loadHubeeSiCredentials } from "../settings/hubee-si-credentials.server";
import {
  addToSummary,
  emptySummary,
  ingestLeased,
  type AllCommunesSummary,
  type HubeeInboxSettings,
} from "./hubee-inboxes.server";
import { MAX_POLL_INTERVAL_SECONDS } from "./inbox-schedule.server";

/**
 * The scheduled sweep of the communes' HubEE inboxes (ADR 032). Every worker process runs it:
 * each lane claims the most overdue inbox that nobody holds (SKIP LOCKED, then a lease), reads
 * it and releases it with its next read's time, until nothing is due. So adding a worker adds
 * lanes, a slow HubEE holds one lane and not the sweep, and the work per run is what is due, not
 * every commune: credentials are loaded and decrypted only for the inboxes being read.
 */

export interface InboxSweepOptions {
  /** Inboxes this process reads at once (HUBEE_INBOX_CONCURRENCY). */
  concurrency: number;
  /** Stop claiming when the worker shuts down; the inboxes being read finish. */
  signal?: AbortSignal;
  /** Stop claiming after this long, so one run never holds the schedule (the next run continues). */
  maxDurationMs?: number;
}

/** Longer than any sane read of one inbox; a crashed process's lease simply expires (as for agents' reads). */
const LEASE = sql`now() + interval '5 minutes'`;

/**
 * Every commune with SI credentials has a row, due at once when it is new. One statement per
 * run, bounded by the number of configured communes, and a no-op when nothing changed.
 */
async function addNewInboxes(db: Database): Promise<void> {
  await db.execute(sql`
    insert into hubee_inbox_polls (collectivity_id)
    select s.collectivity_id
      from collectivity_settings s join collectivities c on c.id = s.collectivity_id
     where c.status = 'active' and s.hubee_si_client_id is not null and s.hubee_si_secret_encrypted is not null
       and not exists (select 1 from hubee_inbox_polls p where p.collectivity_id = s.collectivity_id)
    on conflict do nothing`);
}

/** The most overdue inbox nobody holds, leased to this lane; null when nothing is due. */
async function claimDueInbox(db: Database): Promise<string | null> {
  const [row] = await queryRows<{ collectivity_id: string }>(
    db,
    sql`update hubee_inbox_polls set locked_until = ${LEASE}, last_started_at = now()
         where collectivity_id = (
           select collectivity_id from hubee_inbox_polls
            where next_poll_at <= now() and (locked_until is null or locked_until < now())
            order by next_poll_at
            limit 1
            for update skip locked)
        returning collectivity_id`,
  );
  return row?.collectivity_id ?? null;
}

/** A claimed inbox whose commune has no usable credentials any more: looked at again at the bound. */
async function setAside(db: Database, collectivityId: string): Promise<void> {
  await db.execute(sql`
    update hubee_inbox_polls
       set locked_until = null, poll_interval_seconds = ${MAX_POLL_INTERVAL_SECONDS}::int,
           next_poll_at = now() + make_interval(secs => ${MAX_POLL_INTERVAL_SECONDS}::int)
     where collectivity_id = ${collectivityId}`);
}

/** Reads every inbox that is due, `concurrency` at a time. Counts only (no personal data). */
export async function ingestDueInboxes(
  db: Database,
  settings: HubeeInboxSettings,
  { concurrency, signal, maxDurationMs = 50_000 }: InboxSweepOptions,
): Promise<AllCommunesSummary> {
  await addNewInboxes(db);
  const summary = emptySummary();
  const deadline = Date.now() + maxDurationMs;
  const lane = async () => {
    while (!signal?.aborted && Date.now() < deadline) {
      const collectivityId = await claimDueInbox(db);
      if (!collectivityId) return;
      summary.communes++;
      const [credentials] = await loadHubeeSiCredentials(db, settings.encryptionKey, { collectivityId });
      if (!credentials) {
        await setAside(db, collectivityId);
        continue;
      }
      try {
        addToSummary(summary, await ingestLeased(db, credentials, settings, "sweep"));
      } catch (error) {
        // ingestLeased reports HubEE's failures itself; this is the database failing under it. The
        // lease expires on its own and the lane stops: the next run starts afresh.
        logger.warn({ collectivityId, err: error }, "relevé HubEE interrompu");
        summary.failedCommunes++;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return summary;
}
