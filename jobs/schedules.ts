import type { Config } from "../app/config.server.ts";
import type { Database } from "../db/client.ts";
import { deliverShipmentsJob } from "./deliver-shipments.ts";
import { deliverMailsJob } from "./deliver-mails.ts";
import { deliverWebhooksJob } from "./deliver-webhooks.ts";
import { sendDailyDigestsJob } from "./send-daily-digests.ts";
import { ingestHubeeInboxesJob } from "./ingest-hubee-inboxes.ts";
import { purgeIdleRateLimitWindows } from "../app/http/shared-rate-limit.server.ts";
import { purgeEndedAgentSessions } from "../app/portal/access/agent-session.server.ts";
import { purgeCitizenDataJob } from "./purge-citizen-data.ts";
import { purgeExportsJob, runExportsJob } from "./run-exports.ts";
import { purgeFamilyFilesJob } from "./purge-family-files.ts";
import { purgeScheduledRuns } from "./purge-scheduled-runs.ts";
import { runQfCampaignsJob, startYearlyQfCampaignsJob } from "./run-qf-campaigns.ts";
import { trackShipmentStatusesJob } from "./track-shipment-statuses.ts";
import { syncHubeeSubscriptionsJob } from "./sync-hubee-subscriptions.ts";

export interface JobContext {
  db: Database;
  config: Config;
  /** Aborted on SIGTERM: long jobs finish what they hold and return instead of being cut off. */
  shutdown?: AbortSignal;
}

export interface ScheduledJob {
  /** Stable name: part of the coordinator key and of the logs. */
  name: string;
  /** node-cron expression (seconds field allowed), evaluated in Europe/Paris. */
  cron: string;
  /**
   * true: one instance runs each fire (PostgreSQL run coordinator).
   * false: every instance runs it; the job itself shares work safely (SKIP LOCKED leases).
   */
  coordinated: boolean;
  run(context: JobContext): Promise<unknown>;
}

/** Every scheduled job of the product, in one place. */
export const SCHEDULED_JOBS: ScheduledJob[] = [
  { name: "deliver-shipments", cron: "*/10 * * * * *", coordinated: false, run: deliverShipmentsJob },
  // Communes' outgoing webhooks: every instance sends (SKIP LOCKED leases on the deliveries).
  { name: "deliver-webhooks", cron: "*/10 * * * * *", coordinated: false, run: deliverWebhooksJob },
  // The mail outbox: every instance sends (SKIP LOCKED claims; the rate is counted in the database).
  { name: "deliver-mails", cron: "*/10 * * * * *", coordinated: false, run: deliverMailsJob },
  // The agents' digest of new files, at 8:00 Paris time (one instance; keyed by day, so never twice).
  { name: "send-daily-digests", cron: "0 8 * * *", coordinated: true, run: sendDailyDigestsJob },
  { name: "track-shipment-statuses", cron: "*/30 * * * * *", coordinated: true, run: trackShipmentStatusesJob },
  // Communes' HubEE inboxes (SI side), those that are due (ADR 032): every instance reads, each inbox under a
  // lease (SKIP LOCKED), so workers share the sweep and "Relever maintenant" never overlaps it.
  { name: "ingest-hubee-inboxes", cron: "*/15 * * * * *", coordinated: false, run: ingestHubeeInboxesJob },
  // Communes whose FormulaireQF subscription is not active are not offered to citizens.
  { name: "sync-hubee-subscriptions", cron: "7 * * * *", coordinated: true, run: syncHubeeSubscriptionsJob },
  { name: "purge-citizen-data", cron: "23 * * * *", coordinated: true, run: purgeCitizenDataJob },
  // Portal family files past their commune's retention period (default 2 years without a new QF).
  { name: "purge-family-files", cron: "47 2 * * *", coordinated: true, run: purgeFamilyFilesJob },
  { name: "purge-scheduled-runs", cron: "17 3 * * *", coordinated: true, run: ({ db }) => purgeScheduledRuns(db) },
  // Agents' lookup counters (rate_limit_windows) nobody used for a day.
  {
    name: "purge-rate-limit-windows",
    cron: "29 3 * * *",
    coordinated: true,
    run: ({ db }) => purgeIdleRateLimitWindows(db),
  },
  { name: "purge-agent-sessions", cron: "41 * * * *", coordinated: true, run: ({ db }) => purgeEndedAgentSessions(db) },
  // QF campaigns: every instance works on them (SKIP LOCKED items, rate shared in the database).
  { name: "run-qf-campaigns", cron: "*/10 * * * * *", coordinated: false, run: runQfCampaignsJob },
  // Yearly QF campaigns, on each commune's chosen day (default: first working day of January).
  { name: "start-yearly-qf-campaigns", cron: "0 6 * * *", coordinated: true, run: startYearlyQfCampaignsJob },
  // Large exports of family files (status page), then their files purged after 24 h.
  { name: "run-exports", cron: "*/10 * * * * *", coordinated: false, run: runExportsJob },
  { name: "purge-exports", cron: "*/15 * * * *", coordinated: true, run: purgeExportsJob },
];
