import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { queryRows, type Database, type DbExecutor } from "../../../db/client.ts";
import {
  families,
  qfCampaignAlerts,
  qfCampaignItems,
  qfCampaigns,
  type CampaignItemStatus,
  type CampaignScope,
  type CampaignTrigger,
  type QfCampaign,
} from "../../../db/schema/index.ts";
import { mailIntegrationRefused } from "~/portal/notifications/integration-incident-mails.server";
import { mailCampaignEnded } from "./campaign-mails.server";
import { logger } from "~/utils/logger.server";
import { emitWebhookEvent } from "~/webhooks/outbox.server";
import { campagneTermineeData } from "~/webhooks/payloads";
import { recordAudit } from "../../audit/audit.server";

/**
 * Campaigns as the portal sees them: creation (agent or yearly cron), pause/resume/stop,
 * progress, report and the explicit retry of failures. The worker is in worker.server.ts.
 *
 * Every way a campaign ends writes its campagne.terminee webhook event in the transaction of
 * the state change (outbox): created already done (no family to ask), stopped by an agent,
 * stopped for the commune's token (stopCommuneCampaigns), and done (the worker).
 */

/** Items per status of one campaign, as qf_campaigns.counts stores them. */
async function itemCounts(db: Database, campaignId: string): Promise<Partial<Record<CampaignItemStatus, number>>> {
  const rows = await queryRows<{ status: CampaignItemStatus; count: number }>(
    db,
    sql`select status, count(*)::int as count from qf_campaign_items where campaign_id = ${campaignId}::uuid group by status`,
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/**
 * Writes campagne.terminee for a campaign that has just ended, in the caller's transaction.
 * A stopped campaign reports the results known at the stop (calls in flight finish later).
 */
export async function emitCampaignEnded(db: DbExecutor, campaign: QfCampaign): Promise<void> {
  if (campaign.status !== "done" && campaign.status !== "stopped") return;
  const counts = campaign.counts ?? (await itemCounts(db, campaign.id));
  await emitWebhookEvent(db, campaign.collectivityId, {
    type: "campagne.terminee",
    data: campagneTermineeData({
      ...campaign,
      status: campaign.status,
      finishedAt: campaign.finishedAt ?? new Date(),
      counts,
    }),
  });
  await mailCampaignEnded(db, campaign, counts);
}

export interface QfPeriod {
  annee: number;
  mois: number;
}

/** The current month in Paris, API Particulier's default period. */
export function currentParisPeriod(now = new Date()): QfPeriod {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", year: "numeric", month: "numeric" })
    .formatToParts(now)
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  return { annee: Number(parts.year), mois: Number(parts.month) };
}

export interface CreateCampaignInput {
  collectivityId: string;
  /** Default: the current month in Paris. */
  period?: QfPeriod;
  /** "all" = every family file of the commune with a usable pivot identity. */
  familyIds: string[] | "all";
  /** Only a label for the report when familyIds is a list ("search" or "selection"). */
  scope?: CampaignScope;
  trigger: CampaignTrigger;
  agentId: string | null;
  retryOf?: string | null;
}

/**
 * Creates a running campaign and its items in one transaction, items with a single
 * INSERT … SELECT. Families without a usable pivot identity (unreadable transmissions)
 * are left out. Returns null when a yearly campaign already exists for that year.
 */
export async function createCampaign(db: Database, input: CreateCampaignInput): Promise<QfCampaign | null> {
  const period = input.period ?? currentParisPeriod();
  const scope: CampaignScope = input.familyIds === "all" ? "all" : (input.scope ?? "selection");
  const campaign = await db.transaction(async (t) => {
    const [created] = await t
      .insert(qfCampaigns)
      .values({
        collectivityId: input.collectivityId,
        annee: period.annee,
        mois: period.mois,
        scope,
        status: "running",
        trigger: input.trigger,
        startedBy: input.agentId,
        retryOf: input.retryOf ?? null,
        startedAt: sql`now()`,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) return null;
    // Ids travel as one JSON parameter: no parameter-count limit, no per-row round trip.
    const selected =
      input.familyIds === "all"
        ? sql`true`
        : sql`f.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(input.familyIds)}::jsonb))`;
    const inserted = await queryRows<{ count: number }>(
      t,
      sql`with ins as (
            insert into qf_campaign_items (campaign_id, family_id, old_value)
            select ${created.id}::uuid, f.id, f.qf_value
            from families f
            where f.collectivity_id = ${input.collectivityId}::uuid
              and f.identity_key is not null and f.family_name is not null
              and f.gender is not null and f.birthdate is not null and f.birthcountry is not null
              and ${selected}
            on conflict do nothing
            returning 1)
          select count(*)::int as count from ins`,
    );
    const total = Number(inserted[0]?.count ?? 0);
    const [updated] = await t
      .update(qfCampaigns)
      .set(
        total === 0
          ? { totalCount: 0, status: "done", finishedAt: sql`now()`, counts: {} }
          : { totalCount: total, updatedAt: sql`now()` },
      )
      .where(eq(qfCampaigns.id, created.id))
      .returning();
    // No family to ask: the campaign is over as soon as it exists, and says so.
    if (updated!.status === "done") await emitCampaignEnded(t, updated!);
    return updated!;
  });
  if (campaign) {
    await recordAudit(db, {
      actor: input.agentId,
      collectivityId: input.collectivityId,
      action: "qf_campaign.started",
      targetType: "qf_campaign",
      targetId: campaign.id,
      details: { trigger: input.trigger, scope, total: campaign.totalCount, retryOf: input.retryOf ?? null },
    });
  }
  return campaign;
}

type ControlAction = "pause" | "resume" | "stop";
const TRANSITIONS: Record<ControlAction, { from: QfCampaign["status"][]; to: QfCampaign["status"] }> = {
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  stop: { from: ["running", "paused", "pending"], to: "stopped" },
};

/** Agent controls. Items in flight finish; no new item is claimed unless the campaign runs. */
export async function controlCampaign(
  db: Database,
  input: { campaignId: string; collectivityId: string; agentId: string; action: ControlAction },
): Promise<QfCampaign | null> {
  const { from, to } = TRANSITIONS[input.action];
  const row = await db.transaction(async (t) => {
    const [changed] = await t
      .update(qfCampaigns)
      .set({
        status: to,
        updatedAt: sql`now()`,
        ...(to === "stopped" ? { stopReason: "agent", finishedAt: sql`now()` } : {}),
        // Resumed: its items may be due at once (claims only look at campaigns due now).
        ...(to === "running" ? { dueAt: sql`clock_timestamp()` } : {}),
      })
      .where(
        and(
          eq(qfCampaigns.id, input.campaignId),
          eq(qfCampaigns.collectivityId, input.collectivityId),
          inArray(qfCampaigns.status, from),
        ),
      )
      .returning();
    if (changed?.status === "stopped") await emitCampaignEnded(t, changed);
    return changed;
  });
  if (row) {
    await recordAudit(db, {
      actor: input.agentId,
      collectivityId: input.collectivityId,
      action: `qf_campaign.${input.action === "stop" ? "stopped" : input.action === "pause" ? "paused" : "resumed"}`,
      targetType: "qf_campaign",
      targetId: row.id,
    });
  }
  return row ?? null;
}

export type CommuneStopReason = "token_unauthorized" | "token_missing";

/**
 * 401/403 or no usable token: every open campaign of the commune stops (the token is the
 * commune's), each with its campagne.terminee event in the same transaction, and its
 * administrator gets one alert and an audit entry. The worker calls this on such an answer.
 * Returns the ids of the campaigns it stopped (none when another worker was first).
 */
export async function stopCommuneCampaigns(
  db: Database,
  collectivityId: string,
  campaignId: string,
  reason: CommuneStopReason,
  httpStatus: number | null,
  errorCode: string | null,
): Promise<string[]> {
  const stopped = await db.transaction(async (t) => {
    const rows = await t
      .update(qfCampaigns)
      .set({ status: "stopped", stopReason: reason, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(qfCampaigns.collectivityId, collectivityId),
          inArray(qfCampaigns.status, ["running", "paused", "pending"]),
        ),
      )
      .returning();
    // Workers racing on the same 401 find the campaigns already stopped: one alert only.
    if (rows.length === 0) return rows;
    for (const campaign of rows) await emitCampaignEnded(t, campaign);
    const [alert] = await t
      .insert(qfCampaignAlerts)
      .values({ collectivityId, campaignId, kind: reason, httpStatus, errorCode })
      .returning({ id: qfCampaignAlerts.id });
    // The token refused: one incident, one mail to the administrators (the stop happens once).
    if (reason === "token_unauthorized") {
      await mailIntegrationRefused(t, { collectivityId, system: "api_particulier", incidentKey: String(alert!.id) });
    }
    return rows;
  });
  if (stopped.length === 0) return [];
  await recordAudit(db, {
    actor: null,
    collectivityId,
    action: "qf_campaign.stopped",
    targetType: "qf_campaign",
    targetId: campaignId,
    details: { reason, httpStatus, errorCode, campaigns: stopped.map((s) => s.id) },
  });
  logger.warn({ collectivityId, campaignId, reason, httpStatus }, "campagne QF arrêtée");
  return stopped.map((s) => s.id);
}

/**
 * The explicit retry pass: a new campaign over the families that ended "failed" (or were
 * left open by a stop). Each family is called at most once per campaign, this one included.
 */
export async function retryFailures(
  db: Database,
  input: { campaignId: string; collectivityId: string; agentId: string | null },
): Promise<QfCampaign | null> {
  const [original] = await db
    .select()
    .from(qfCampaigns)
    .where(and(eq(qfCampaigns.id, input.campaignId), eq(qfCampaigns.collectivityId, input.collectivityId)));
  if (!original || (original.status !== "done" && original.status !== "stopped")) return null;
  const rows = await db
    .select({ familyId: qfCampaignItems.familyId })
    .from(qfCampaignItems)
    .where(
      and(
        eq(qfCampaignItems.campaignId, original.id),
        inArray(qfCampaignItems.status, ["failed", "pending", "in_progress"]),
      ),
    );
  if (rows.length === 0) return null;
  return createCampaign(db, {
    collectivityId: input.collectivityId,
    period: { annee: original.annee, mois: original.mois },
    familyIds: rows.map((r) => r.familyId),
    scope: "selection",
    trigger: "agent",
    agentId: input.agentId,
    retryOf: original.id,
  });
}

export interface CampaignProgress {
  campaign: QfCampaign;
  total: number;
  /** Items in a final state. */
  done: number;
  byStatus: Record<CampaignItemStatus, number>;
  /** Items finished per second over the last minute (or since the start when shorter). */
  ratePerSecond: number;
  /** null when nothing is moving (paused, stopped, done, or no result yet). */
  estimatedEndAt: Date | null;
}

const emptyCounts = (): Record<CampaignItemStatus, number> => ({
  pending: 0,
  in_progress: 0,
  updated: 0,
  unchanged: 0,
  not_found: 0,
  rejected: 0,
  failed: 0,
});

/** Live progress for the progress bar; null when the campaign is not the commune's. */
export async function getCampaignProgress(
  db: Database,
  campaignId: string,
  collectivityId: string,
  now = new Date(),
): Promise<CampaignProgress | null> {
  const [campaign] = await db
    .select()
    .from(qfCampaigns)
    .where(and(eq(qfCampaigns.id, campaignId), eq(qfCampaigns.collectivityId, collectivityId)));
  if (!campaign) return null;
  const rows = await queryRows<{ status: CampaignItemStatus; count: number; recent: number }>(
    db,
    sql`select status, count(*)::int as count,
               count(*) filter (where finished_at > ${now.toISOString()}::timestamptz - interval '60 seconds')::int as recent
        from qf_campaign_items where campaign_id = ${campaignId}::uuid group by status`,
  );
  const byStatus = emptyCounts();
  let recent = 0;
  for (const row of rows) {
    byStatus[row.status] = Number(row.count);
    recent += Number(row.recent);
  }
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const done = total - byStatus.pending - byStatus.in_progress;
  const elapsedS = campaign.startedAt ? Math.max(1, (now.getTime() - campaign.startedAt.getTime()) / 1000) : 60;
  const ratePerSecond = recent / Math.min(60, elapsedS);
  const remaining = total - done;
  const estimatedEndAt =
    campaign.status === "running" && ratePerSecond > 0 && remaining > 0
      ? new Date(now.getTime() + (remaining / ratePerSecond) * 1000)
      : null;
  return { campaign, total, done, byStatus, ratePerSecond, estimatedEndAt };
}

export interface CampaignReportItem {
  itemId: string;
  familyId: string;
  /** Personal: for the agent's screen only. */
  familyName: string | null;
  givenNames: string | null;
  status: CampaignItemStatus;
  oldValue: number | null;
  newValue: number | null;
  errorCode: string | null;
  attempts: number;
}

/** One page of a campaign's items in one status (the report's lists), by family name. */
export async function listCampaignItems(
  db: Database,
  input: { campaignId: string; collectivityId: string; status: CampaignItemStatus; limit?: number; offset?: number },
): Promise<CampaignReportItem[]> {
  return db
    .select({
      itemId: qfCampaignItems.id,
      familyId: qfCampaignItems.familyId,
      familyName: families.familyName,
      givenNames: families.givenNames,
      status: qfCampaignItems.status,
      oldValue: qfCampaignItems.oldValue,
      newValue: qfCampaignItems.newValue,
      errorCode: qfCampaignItems.errorCode,
      attempts: qfCampaignItems.attempts,
    })
    .from(qfCampaignItems)
    .innerJoin(qfCampaigns, eq(qfCampaigns.id, qfCampaignItems.campaignId))
    .innerJoin(families, eq(families.id, qfCampaignItems.familyId))
    .where(
      and(
        eq(qfCampaignItems.campaignId, input.campaignId),
        eq(qfCampaigns.collectivityId, input.collectivityId),
        eq(qfCampaignItems.status, input.status),
      ),
    )
    .orderBy(asc(families.familyName), asc(qfCampaignItems.id))
    .limit(input.limit ?? 100)
    .offset(input.offset ?? 0);
}

/** A commune's campaigns, most recent first. */
export async function listCampaigns(db: Database, collectivityId: string, limit = 20): Promise<QfCampaign[]> {
  return db
    .select()
    .from(qfCampaigns)
    .where(eq(qfCampaigns.collectivityId, collectivityId))
    .orderBy(desc(qfCampaigns.createdAt))
    .limit(limit);
}

/** Alerts the commune's administrator has not acknowledged yet. */
export async function listOpenAlerts(db: Database, collectivityId: string) {
  return db
    .select()
    .from(qfCampaignAlerts)
    .where(and(eq(qfCampaignAlerts.collectivityId, collectivityId), isNull(qfCampaignAlerts.acknowledgedAt)))
    .orderBy(desc(qfCampaignAlerts.createdAt));
}

export async function acknowledgeAlert(
  db: Database,
  input: { alertId: string; collectivityId: string; agentId: string },
) {
  await db
    .update(qfCampaignAlerts)
    .set({ acknowledgedAt: sql`now()`, acknowledgedBy: input.agentId })
    .where(and(eq(qfCampaignAlerts.id, input.alertId), eq(qfCampaignAlerts.collectivityId, input.collectivityId)));
}
