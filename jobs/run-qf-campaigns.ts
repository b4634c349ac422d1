import crypto from "node:crypto";
import os from "node:os";
import { campaignWorkerBounds, runCampaignPasses } from "../app/portal/campaigns/worker.server.ts";
import { createTokenPacer, pacerOptionsFromConfig } from "../app/integrations/api-particulier/token-pacer.server.ts";
import { startYearlyCampaigns } from "../app/portal/campaigns/yearly-scheduler.server.ts";
import { createApiParticulierClient } from "../app/integrations/api-particulier/client.server.ts";
import { keyFromBase64 } from "../app/utils/encryption.server.ts";
import type { JobContext } from "./schedules.ts";

/** A pass re-reads the communes' tokens; passes chain while items are due (see runCampaignPasses). */
const PASS_MS = 50_000;

/**
 * Every worker instance runs this (not coordinated): instances share the campaigns' items
 * through SKIP LOCKED leases and the token's rate through the token pacer (ADR 014). A run lasts as
 * long as there is work, so the 10 s schedule (noOverlap) only decides how soon a new campaign
 * starts, never leaves a running one idle.
 */
export async function runQfCampaignsJob({ db, config, shutdown }: JobContext, { passMs = PASS_MS } = {}) {
  const workerId = `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  const pacerOptions = pacerOptionsFromConfig(config);
  const result = await runCampaignPasses(
    db,
    {
      client: createApiParticulierClient(config.API_PARTICULIER_URL),
      pacer: createTokenPacer(db, pacerOptions),
      encryptionKey: keyFromBase64(config.ENCRYPTION_KEY),
    },
    {
      workerId,
      passMs,
      stopSignal: shutdown,
      ...campaignWorkerBounds(pacerOptions.ratePerSecond, config.CAMPAIGN_WORKER_CONCURRENCY),
    },
  );
  return { processed: result.processed, calls: result.calls, finishedCampaigns: result.finishedCampaigns };
}

/** Coordinated, daily: communes whose yearly campaign day is today get their campaign. */
export async function startYearlyQfCampaignsJob({ db }: JobContext) {
  return startYearlyCampaigns(db);
}
