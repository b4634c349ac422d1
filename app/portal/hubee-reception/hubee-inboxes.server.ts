import crypto from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database, DbExecutor } from "../../../db/client.ts";
import { auditEvents, hubeeInboxPolls, type InboxRunCounts } from "../../../db/schema/index.ts";
import type { Config } from "~/config.server";
import { createHubeeClient } from "~/integrations/hubee/client.server";
import { mailIntegrationRefused } from "~/portal/notifications/integration-incident-mails.server";
import { HubeeError } from "~/integrations/hubee/errors.server";
import { createHubeeReceiver, type HubeeReceiver } from "~/integrations/hubee/receiver.server";
import { createHubeeTokenProvider } from "~/integrations/hubee/token.server";
import { keyFromBase64 } from "~/utils/encryption.server";
import { logger } from "~/utils/logger.server";
import { loadHubeeSiCredentials, type CommuneHubeeSiCredentials } from "../settings/hubee-si-credentials.server";
import { BASE_POLL_INTERVAL_SECONDS, inboxHadActivity, intervalAfterRun } from "./inbox-schedule.server";
import { ingestCommuneInbox } from "./poll-inbox.server";

/**
 * Reads the HubEE inbox of every commune that set its SI credentials (scheduled job), or of one
 * commune on an agent's "Relever maintenant". A commune's failure never stops the others.
 */

export interface HubeeInboxSettings {
  hubeeApiUrl: string;
  hubeeTokenUrl: string;
  encryptionKey: Buffer;
}

export const hubeeInboxSettings = (config: Config): HubeeInboxSettings => ({
  hubeeApiUrl: config.HUBEE_API_URL,
  hubeeTokenUrl: config.HUBEE_TOKEN_URL,
  encryptionKey: keyFromBase64(config.ENCRYPTION_KEY),
});

/** Longer than any sane run; a crashed process's lease simply expires. */
const LEASE = sql`now() + interval '5 minutes'`;
/** Communes read at once by the scheduled job. */
const CONCURRENCY = 4;

const emptyCounts = (): InboxRunCounts => ({
  cases: 0,
  alreadyStored: 0,
  errors: 0,
  events: 0,
  failed: 0,
  ignoredForeign: 0,
});

/**
 * One receiver (hence one HubEE token, valid 1 h) per commune, reused across runs; replaced when
 * the commune changes its credentials. Keyed on a digest so no secret sits in a map key.
 */
const receivers = new Map<string, { fingerprint: string; receiver: HubeeReceiver }>();

export function receiverFor(
  credentials: CommuneHubeeSiCredentials,
  settings: Omit<HubeeInboxSettings, "encryptionKey">,
) {
  const fingerprint = crypto
    .createHash("sha256")
    .update([settings.hubeeApiUrl, settings.hubeeTokenUrl, credentials.clientId, credentials.clientSecret].join("\0"))
    .digest("hex");
  const cached = receivers.get(credentials.collectivityId);
  if (cached?.fingerprint === fingerprint) return cached.receiver;
  const tokens = createHubeeTokenProvider({
    tokenUrl: settings.hubeeTokenUrl,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    scope: "SI",
  });
  const receiver = createHubeeReceiver(createHubeeClient({ apiUrl: settings.hubeeApiUrl, tokens }));
  receivers.set(credentials.collectivityId, { fingerprint, receiver });
  return receiver;
}

/** For tests: forget cached tokens. */
export function clearHubeeReceiverCache() {
  receivers.clear();
}

export type CommuneIngestionResult =
  | { status: "done"; counts: InboxRunCounts }
  /** Another run is reading this inbox right now. */
  | { status: "busy" }
  /** No SI credentials in the commune's settings. */
  | { status: "not_configured" }
  /** `error` is French, for agents, without personal data. */
  | { status: "failed"; error: string };

async function acquireLease(db: Database, collectivityId: string): Promise<boolean> {
  const rows = await db
    .insert(hubeeInboxPolls)
    .values({ collectivityId, lockedUntil: LEASE, lastStartedAt: sql`now()` })
    .onConflictDoUpdate({
      target: hubeeInboxPolls.collectivityId,
      set: { lockedUntil: LEASE, lastStartedAt: sql`now()` },
      setWhere: sql`${hubeeInboxPolls.lockedUntil} is null or ${hubeeInboxPolls.lockedUntil} < now()`,
    })
    .returning({ collectivityId: hubeeInboxPolls.collectivityId });
  return rows.length === 1;
}

/**
 * Marks a next read as asked for while someone else holds the inbox: the holder's release makes
 * it due at once instead of after its interval. The earliest timestamp, so the mark can only come
 * from here and the inbox is the first one claimed.
 */
const READ_REQUESTED = sql`'-infinity'::timestamptz`;

async function requestReadAfterLease(db: Database, collectivityId: string) {
  await db
    .update(hubeeInboxPolls)
    .set({ nextPollAt: READ_REQUESTED })
    .where(and(eq(hubeeInboxPolls.collectivityId, collectivityId), sql`${hubeeInboxPolls.lockedUntil} > now()`));
}

/** Who asked for a run: the scheduled sweep, or an agent's « Relever maintenant ». */
export type InboxRunTrigger = "sweep" | "agent";

async function releaseLease(
  db: DbExecutor,
  collectivityId: string,
  counts: InboxRunCounts | null,
  error: string | null,
  trigger: InboxRunTrigger,
) {
  const interval = intervalAfterRun(trigger, counts !== null && inboxHadActivity(counts));
  // An agent asked during this run (READ_REQUESTED): the file they expect may have arrived after
  // this run listed the inbox, so the next sweep reads it at once.
  const requested = sql`${hubeeInboxPolls.nextPollAt} = ${READ_REQUESTED}`;
  await db
    .update(hubeeInboxPolls)
    .set({
      lockedUntil: null,
      lastFinishedAt: sql`now()`,
      ...(counts ? { lastCounts: counts } : {}),
      lastError: error,
      // Both read the row before this update (SQL evaluates every SET against the old row).
      pollIntervalSeconds: sql`case when ${requested} then ${BASE_POLL_INTERVAL_SECONDS}::int else ${interval} end`,
      nextPollAt: sql`case when ${requested} then now() else now() + make_interval(secs => ${interval}) end`,
    })
    .where(eq(hubeeInboxPolls.collectivityId, collectivityId));
}

/** What agents read when a run failed as a whole (a single case's failure is retried silently). */
function describeFailure(error: unknown): string {
  if (error instanceof HubeeError) {
    if (error.credentialsRejected) {
      return "HubEE a refusé les identifiants SI de la commune : vérifiez-les dans les paramètres.";
    }
    if (error.transient) return "HubEE est momentanément indisponible ; un nouvel essai aura lieu automatiquement.";
    if (error.status === 403) return "HubEE refuse l’accès : les identifiants SI ne correspondent pas à cette commune.";
    return "HubEE a refusé la demande ; un nouvel essai aura lieu automatiquement.";
  }
  return "Erreur inattendue pendant le relevé de la boîte HubEE.";
}

async function ingestWithCredentials(
  db: Database,
  credentials: CommuneHubeeSiCredentials,
  settings: HubeeInboxSettings,
  trigger: InboxRunTrigger,
): Promise<CommuneIngestionResult> {
  if (!(await acquireLease(db, credentials.collectivityId))) {
    if (trigger === "agent") await requestReadAfterLease(db, credentials.collectivityId);
    return { status: "busy" };
  }
  return ingestLeased(db, credentials, settings, trigger);
}

/** Reads a commune's inbox whose lease this run holds, then releases it with the next read's time. */
export async function ingestLeased(
  db: Database,
  credentials: CommuneHubeeSiCredentials,
  settings: HubeeInboxSettings,
  trigger: InboxRunTrigger,
): Promise<CommuneIngestionResult> {
  const collectivityId = credentials.collectivityId;
  try {
    const counts = await ingestCommuneInbox(db, receiverFor(credentials, settings), {
      id: collectivityId,
      name: credentials.collectivityName,
    });
    await releaseLease(db, collectivityId, counts, null, trigger);
    return { status: "done", counts };
  } catch (error) {
    const message = describeFailure(error);
    logger.warn({ collectivityId, err: error }, "relevé de la boîte HubEE en échec");
    const refused = error instanceof HubeeError && (error.credentialsRejected || error.status === 403);
    await db
      .transaction(async (t) => {
        const [previous] = await t
          .select({ lastError: hubeeInboxPolls.lastError })
          .from(hubeeInboxPolls)
          .where(eq(hubeeInboxPolls.collectivityId, collectivityId))
          .for("update");
        await releaseLease(t, collectivityId, null, message, trigger);
        // Once per incident: the relevé before this one did not fail the same way (a success clears it).
        if (refused && previous?.lastError !== message) {
          await mailIntegrationRefused(t, {
            collectivityId,
            system: "hubee",
            incidentKey: `${collectivityId}:${Date.now()}`,
          });
        }
      })
      .catch(() => {});
    return { status: "failed", error: message };
  }
}

/** "Relever maintenant": reads one commune's inbox now. */
export async function ingestCommuneNow(
  db: Database,
  collectivityId: string,
  settings: HubeeInboxSettings,
): Promise<CommuneIngestionResult> {
  const [credentials] = await loadHubeeSiCredentials(db, settings.encryptionKey, { collectivityId });
  if (!credentials) return { status: "not_configured" };
  return ingestWithCredentials(db, credentials, settings, "agent");
}

/**
 * An agent's "Relever maintenant" this soon after another agent's successful one is coalesced.
 * Short on purpose: it absorbs double clicks and repeated clicks (30 in 5 s made 30 HubEE polls),
 * while an agent told by phone that a file was just sent can read it a few seconds later.
 */
export const ON_DEMAND_POLL_INTERVAL_SECONDS = 5;

export type OnDemandIngestionResult =
  | CommuneIngestionResult
  /** An agent's relevé succeeded less than ON_DEMAND_POLL_INTERVAL_SECONDS ago: not polled again. */
  | { status: "recent"; finishedAt: Date };

/**
 * "Relever maintenant", coalesced: while a relevé runs (busy) or an agent's relevé succeeded
 * moments ago (recent), say so instead of polling HubEE again. The worker's own sweeps do not
 * count: one that ended a second before the click may have missed the file the agent expects.
 * A failed relevé is not coalesced either: the agent who just fixed the credentials retries.
 * Agents' relevés are read from the journal, where each one that ran is recorded.
 */
export async function ingestCommuneOnDemand(
  db: Database,
  collectivityId: string,
  settings: HubeeInboxSettings,
  { minIntervalSeconds = ON_DEMAND_POLL_INTERVAL_SECONDS }: { minIntervalSeconds?: number } = {},
): Promise<OnDemandIngestionResult> {
  const [lastByAgent] = await db
    .select({
      occurredAt: auditEvents.occurredAt,
      recent: sql<boolean>`${auditEvents.occurredAt} > now() - make_interval(secs => ${minIntervalSeconds})`,
      status: sql<string | null>`${auditEvents.details} ->> 'status'`,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.collectivityId, collectivityId), eq(auditEvents.action, "inbox.polled")))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  if (lastByAgent?.recent && lastByAgent.status === "done") {
    return { status: "recent", finishedAt: lastByAgent.occurredAt };
  }
  return ingestCommuneNow(db, collectivityId, settings);
}

export interface AllCommunesSummary extends InboxRunCounts {
  communes: number;
  failedCommunes: number;
  busyCommunes: number;
}

/** Adds one commune's outcome to a run's summary (counts only, no personal data). */
export function addToSummary(summary: AllCommunesSummary, result: CommuneIngestionResult) {
  if (result.status === "failed") summary.failedCommunes++;
  if (result.status === "busy") summary.busyCommunes++;
  if (result.status === "done") {
    for (const key of Object.keys(result.counts) as (keyof InboxRunCounts)[]) summary[key] += result.counts[key];
  }
}

export const emptySummary = (communes = 0): AllCommunesSummary => ({
  communes,
  failedCommunes: 0,
  busyCommunes: 0,
  ...emptyCounts(),
});

/**
 * Every commune with SI credentials, a few at a time, whether due or not (tests, a manual full
 * sweep). The scheduled job reads only the inboxes that are due: `ingestDueInboxes`.
 */
export async function ingestAllCommunes(db: Database, settings: HubeeInboxSettings): Promise<AllCommunesSummary> {
  const all = await loadHubeeSiCredentials(db, settings.encryptionKey);
  const summary = emptySummary(all.length);
  const queue = [...all];
  const work = async () => {
    for (let credentials = queue.shift(); credentials; credentials = queue.shift()) {
      addToSummary(summary, await ingestWithCredentials(db, credentials, settings, "sweep"));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, all.length) }, work));
  return summary;
}
