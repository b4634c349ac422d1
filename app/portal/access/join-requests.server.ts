import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database, DbExecutor } from "../../../db/client.ts";
import { agents, collectivities, joinRequests, memberships, type JoinRequestStatus } from "../../../db/schema/index.ts";
import { recordAudit } from "../../audit/audit.server";
import { mailJoinRequest, mailJoinRequestOutcome } from "./access-mails.server";
import { normaliseEmail } from "./email-address";
import { inviteAgent } from "./invitations.server";

/**
 * Requests to join a commune. The commune is the one the agent's last `siret`
 * claim names, read server-side (never from the form); the claim may be a
 * default ProConnect substituted, which is why an administrator decides.
 */

export interface JoinableCommune {
  collectivityId: string;
  name: string;
  /** The agent's latest request to it, if any. */
  request: { status: JoinRequestStatus; createdAt: Date } | null;
}

/** The onboarded, active commune matching the agent's siret claim, if any. */
export async function joinableCommune(db: Database, agentId: string): Promise<JoinableCommune | null> {
  const [row] = await db
    .select({ collectivityId: collectivities.id, name: collectivities.name })
    .from(agents)
    .innerJoin(collectivities, eq(collectivities.siret, agents.lastSiretClaim))
    .where(and(eq(agents.id, agentId), eq(collectivities.status, "active")));
  if (!row) return null;
  const [latest] = await db
    .select({ status: joinRequests.status, createdAt: joinRequests.createdAt })
    .from(joinRequests)
    .where(and(eq(joinRequests.agentId, agentId), eq(joinRequests.collectivityId, row.collectivityId)))
    .orderBy(desc(joinRequests.createdAt))
    .limit(1);
  return { ...row, request: latest ?? null };
}

export type JoinRequestOutcome = "created" | "already_pending" | "already_refused" | "already_member" | "no_commune";

export async function createJoinRequest(
  db: Database,
  input: { agentId: string; requestId?: string | null },
): Promise<JoinRequestOutcome> {
  const commune = await joinableCommune(db, input.agentId);
  if (!commune) return "no_commune";
  if (commune.request?.status === "pending") return "already_pending";
  // A refusal stands: asking again and again would only pester the administrator.
  if (commune.request?.status === "refused") return "already_refused";
  const [member] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.agentId, input.agentId), eq(memberships.collectivityId, commune.collectivityId)));
  if (member) return "already_member";
  return db.transaction(async (t) => {
    const [row] = await t
      .insert(joinRequests)
      .values({ agentId: input.agentId, collectivityId: commune.collectivityId })
      .onConflictDoNothing()
      .returning({ id: joinRequests.id });
    if (!row) return "already_pending" as const;
    await recordAudit(t, {
      actor: input.agentId,
      collectivityId: commune.collectivityId,
      action: "join_request.created",
      targetType: "agent",
      targetId: input.agentId,
      requestId: input.requestId,
      details: { joinRequestId: row.id },
    });
    await mailJoinRequest(t, {
      joinRequestId: row.id,
      collectivityId: commune.collectivityId,
      requester: { agentId: input.agentId },
    });
    return "created" as const;
  });
}

/**
 * A DataPass approval for a commune that already has an administrator: its applicant asks to join,
 * by e-mail, and the commune's administrators decide (nobody outside the commune can grant
 * themselves its families by filling a DataPass form). A retried approval asks once.
 */
export async function requestToJoinByEmail(
  db: DbExecutor,
  input: { collectivityId: string; email: string; requestId?: string | null },
): Promise<"created" | "already_pending"> {
  const email = normaliseEmail(input.email);
  const [row] = await db
    .insert(joinRequests)
    .values({ collectivityId: input.collectivityId, email, source: "datapass" })
    .onConflictDoNothing({
      target: [joinRequests.email, joinRequests.collectivityId],
      where: sql`${joinRequests.status} = 'pending' and ${joinRequests.agentId} is null`,
    })
    .returning({ id: joinRequests.id });
  if (!row) return "already_pending";
  await recordAudit(db, {
    actor: null,
    collectivityId: input.collectivityId,
    action: "join_request.created",
    targetType: "join_request",
    targetId: row.id,
    requestId: input.requestId,
    details: { joinRequestId: row.id, source: "datapass" },
  });
  await mailJoinRequest(db, { joinRequestId: row.id, collectivityId: input.collectivityId, requester: { email } });
  return "created";
}

export interface PendingJoinRequest {
  id: string;
  /** null for a DataPass applicant, known by e-mail until they log in. */
  agentId: string | null;
  givenName: string | null;
  usualName: string | null;
  email: string;
  organizationLabel: string | null;
  source: "proconnect" | "datapass";
  createdAt: Date;
}

export async function listPendingJoinRequests(db: Database, collectivityId: string): Promise<PendingJoinRequest[]> {
  return db
    .select({
      id: joinRequests.id,
      agentId: joinRequests.agentId,
      givenName: agents.givenName,
      usualName: agents.usualName,
      email: sql<string>`coalesce(${agents.email}, ${joinRequests.email})`,
      organizationLabel: agents.lastOrganizationLabel,
      source: joinRequests.source,
      createdAt: joinRequests.createdAt,
    })
    .from(joinRequests)
    .leftJoin(agents, eq(agents.id, joinRequests.agentId))
    .where(and(eq(joinRequests.collectivityId, collectivityId), eq(joinRequests.status, "pending")))
    .orderBy(asc(joinRequests.createdAt));
}

/**
 * Accepting makes the agent a plain agent of the commune; an administrator can promote them
 * afterwards. A request known by e-mail only (DataPass) becomes an invitation as agent, which
 * gives access at their first ProConnect login with that address.
 */
export async function decideJoinRequest(
  db: Database,
  input: {
    collectivityId: string;
    joinRequestId: string;
    decision: "accepted" | "refused";
    actor: string;
    requestId?: string | null;
    now?: Date;
  },
): Promise<boolean> {
  const now = input.now ?? new Date();
  return db.transaction(async (t) => {
    const [request] = await t
      .update(joinRequests)
      .set({ status: input.decision, decidedAt: now, decidedBy: input.actor })
      .where(
        and(
          eq(joinRequests.id, input.joinRequestId),
          eq(joinRequests.collectivityId, input.collectivityId),
          eq(joinRequests.status, "pending"),
        ),
      )
      .returning({ agentId: joinRequests.agentId, email: joinRequests.email });
    if (!request) return false;
    const requesterEmail = request.agentId
      ? (await t.select({ email: agents.email }).from(agents).where(eq(agents.id, request.agentId)))[0]?.email
      : request.email;
    // An accepted DataPass applicant gets the invitation below instead: it says the same and more.
    if (requesterEmail && (request.agentId || input.decision === "refused")) {
      await mailJoinRequestOutcome(t, {
        joinRequestId: input.joinRequestId,
        collectivityId: input.collectivityId,
        to: requesterEmail,
        accepted: input.decision === "accepted",
      });
    }
    await recordAudit(t, {
      actor: input.actor,
      collectivityId: input.collectivityId,
      action: `join_request.${input.decision}`,
      targetType: request.agentId ? "agent" : "join_request",
      targetId: request.agentId ?? input.joinRequestId,
      requestId: input.requestId,
      details: { joinRequestId: input.joinRequestId },
    });
    if (input.decision === "accepted" && !request.agentId && request.email) {
      await inviteAgent(t, {
        collectivityId: input.collectivityId,
        email: request.email,
        role: "agent",
        invitedBy: input.actor,
        requestId: input.requestId,
        now,
      });
    } else if (input.decision === "accepted" && request.agentId) {
      const [membership] = await t
        .insert(memberships)
        .values({ agentId: request.agentId, collectivityId: input.collectivityId, role: "agent", createdAt: now })
        .onConflictDoNothing()
        .returning({ id: memberships.id });
      if (membership) {
        await recordAudit(t, {
          actor: input.actor,
          collectivityId: input.collectivityId,
          action: "membership.created",
          targetType: "agent",
          targetId: request.agentId,
          requestId: input.requestId,
          details: { membershipId: membership.id, role: "agent", via: "join_request" },
        });
      }
    }
    return true;
  });
}
