/**
 * One campaign worker process, for the campaign benchmark and the resilience tests: the real
 * `runCampaignPasses` with the shared token pacer, as the worker's job runs it (passes
 * of 50 s chained while items are due),
 * configured by environment variables. Prints `RESULT <json>` (counts, the send times for the rate
 * measurement, each call's duration, and the CPU time the loop used) when the loop returns; SIGKILL is how tests crash it.
 * With CAMPAIGN_WORKER_CONCURRENCY the loop takes production's bounds (campaignWorkerBounds: that
 * many items over all communes, each token its own share); without it, one token's share.
 */
import { openDatabase } from "../db/client.ts";
import { createApiParticulierClient } from "../app/integrations/api-particulier/client.server.ts";
import { createTokenPacer } from "../app/integrations/api-particulier/token-pacer.server.ts";
import { campaignConcurrency, campaignWorkerBounds, runCampaignPasses } from "../app/portal/campaigns/worker.server.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} manquant`);
  return value;
};

const limit = Number(env("CAMPAIGN_LIMIT_PER_SECOND"));
const workerConcurrency = process.env.CAMPAIGN_WORKER_CONCURRENCY;
const bounds = workerConcurrency
  ? campaignWorkerBounds(0.9 * limit, Number(workerConcurrency))
  : { concurrency: campaignConcurrency(0.9 * limit) };
// Production's bounds come with production's pool (db/client.ts's default, 10 connections).
const handle = await openDatabase({
  databaseUrl: env("DATABASE_URL"),
  maxConnections: workerConcurrency ? undefined : 6,
  migrate: false,
});
const sends: number[] = [];
// How long each call took, as the client saw it: a call near the timeout ends as a retry.
const callMs: number[] = [];
const real = createApiParticulierClient(env("API_PARTICULIER_URL"), { timeoutMs: 10_000 });
const client = {
  ...real,
  quotientFamilialWithIdentity: (token: string, params: URLSearchParams) => {
    const started = performance.now();
    sends.push(performance.timeOrigin + started);
    return real.quotientFamilialWithIdentity(token, params).finally(() => {
      callMs.push(performance.now() - started);
    });
  },
};
// From here: the module loading and the connection are not the loop's cost.
const cpuAtStart = process.cpuUsage();
const result = await runCampaignPasses(
  handle.db,
  {
    client,
    pacer: createTokenPacer(handle.db, { ratePerSecond: 0.9 * limit, limitPerSecond: limit }),
    encryptionKey: Buffer.from(env("CAMPAIGN_ENCRYPTION_KEY"), "base64"),
  },
  {
    workerId: env("CAMPAIGN_WORKER_ID"),
    ...bounds,
    passMs: Number(process.env.CAMPAIGN_PASS_MS ?? 50_000),
    until: Date.now() + Number(process.env.CAMPAIGN_MAX_MS ?? 600_000),
    backoff: { baseDelayMs: 200, maxDelayMs: 2_000 },
    idlePollMs: 200,
    // Short leases so a killed process's items come back quickly in the resilience tests.
    claimLeaseMs: Number(process.env.CAMPAIGN_CLAIM_LEASE_MS ?? 60_000),
    callLeaseMs: Number(process.env.CAMPAIGN_CALL_LEASE_MS ?? 30_000),
  },
);
const cpu = process.cpuUsage(cpuAtStart);
await handle.close();
// Exit once the line is written: at national size it is megabytes (one send time per call), more
// than a pipe takes at once, and process.exit() would cut what is still queued.
process.stdout.write(
  `RESULT ${JSON.stringify({ ...result, sends, callMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
  () => process.exit(0),
);
