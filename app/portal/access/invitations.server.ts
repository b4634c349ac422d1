import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database, DbExecutor } from "../../../db/client.ts";
import { agents, invitations, memberships, type MembershipRole } from "../../../db/schema/index.ts";
import { recordAudit } from "../../audit/audit.server";
import { mailInvitation } from "./access-mails.server";
import { isPlausibleEmail, normaliseEmail } from "./email-address";

/**
 * Invitations bind an e-mail address to a commune: the first ProConnect login
 * with that address creates the membership. The invitee is told by mail (enqueued
 * in the invitation's transaction); the mail holds no token, ProConnect's login does.
 */

export const INVITATION_TTL_DAYS = 30;

export type InviteOutcome =
  { kind: "invited"; invitationId: string } | { kind: "already_member" } | { kind: "invalid_email" };

interface InviteInput {
  collectivityId: string;
  email: string;
  role: MembershipRole;
  /** The inviting administrator, or null for the platform (DataPass onboarding). */
  invitedBy: string | null;
  requestId?: string | null;
  now?: Date;
}

/** Invites (or re-invites, refreshing role and expiry) an address to a commune. */
export async function inviteAgent(db: Database, input: InviteInput): Promise<InviteOutcome> {
  const email = normaliseEmail(input.email);
  if (!isPlausibleEmail(email)) return { kind: "invalid_email" };
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 3600 * 1000);
  return db.transaction(async (t) => {
    const [member] = await t
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(agents, eq(agents.id, memberships.agentId))
      .where(and(eq(memberships.collectivityId, input.collectivityId), eq(agents.email, email)));
    if (member) return { kind: "already_member" } as const;
    const [row] = await t
      .insert(invitations)
      .values({
        collectivityId: input.collectivityId,
        email,
        role: input.role,
        invitedBy: input.invitedBy,
        createdAt: now,
        expiresAt,
      })
      .onConflictDoUpdate({
        target: [invitations.collectivityId, invitations.email],
        targetWhere: sql`${invitations.acceptedAt} is null and ${invitations.cancelledAt} is null`,
        set: { role: input.role, invitedBy: input.invitedBy, createdAt: now, expiresAt },
      })
      .returning({ id: invitations.id });
    await recordAudit(t, {
      actor: input.invitedBy,
      collectivityId: input.collectivityId,
      action: "invitation.created",
      targetType: "invitation",
      targetId: row!.id,
      requestId: input.requestId,
      details: { role: input.role },
    });
    await mailInvitation(t, {
      invitationId: row!.id,
      collectivityId: input.collectivityId,
      email,
      role: input.role,
      invitedBy: input.invitedBy,
      expiresAt,
      now,
    });
    return { kind: "invited", invitationId: row!.id } as const;
  });
}

/**
 * For the DataPass webhook: the applicant of an approved request becomes the
 * commune's first administrator at their first ProConnect login.
 */
export async function inviteFirstAdministrator(
  db: DbExecutor,
  collectivityId: string,
  email: string,
  { requestId = null }: { requestId?: string | null } = {},
): Promise<InviteOutcome> {
  return inviteAgent(db, { collectivityId, email, role: "admin", invitedBy: null, requestId });
}

export async function cancelInvitation(
  db: Database,
  input: { collectivityId: string; invitationId: string; actor: string; requestId?: string | null; now?: Date },
): Promise<boolean> {
  return db.transaction(async (t) => {
    const cancelled = await t
      .update(invitations)
      .set({ cancelledAt: input.now ?? new Date() })
      .where(
        and(
          eq(invitations.id, input.invitationId),
          // Scoped to the commune: an id from another commune matches nothing.
          eq(invitations.collectivityId, input.collectivityId),
          isNull(invitations.acceptedAt),
          isNull(invitations.cancelledAt),
        ),
      )
      .returning({ id: invitations.id });
    if (cancelled.length === 0) return false;
    await recordAudit(t, {
      actor: input.actor,
      collectivityId: input.collectivityId,
      action: "invitation.cancelled",
      targetType: "invitation",
      targetId: input.invitationId,
      requestId: input.requestId,
    });
    return true;
  });
}

/** At login: every open, unexpired invitation for the agent's address becomes a membership. */
export async function acceptPendingInvitations(
  db: Database,
  agent: { id: string; email: string },
  { requestId = null, now = new Date() }: { requestId?: string | null; now?: Date } = {},
): Promise<number> {
  const open = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.email, normaliseEmail(agent.email)),
        isNull(invitations.acceptedAt),
        isNull(invitations.cancelledAt),
        gt(invitations.expiresAt, now),
      ),
    );
  for (const invitation of open) {
    const [membership] = await db
      .insert(memberships)
      .values({ agentId: agent.id, collectivityId: invitation.collectivityId, role: invitation.role, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    await db
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: agent.id })
      .where(eq(invitations.id, invitation.id));
    await recordAudit(db, {
      actor: agent.id,
      collectivityId: invitation.collectivityId,
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: invitation.id,
      requestId,
      details: { role: invitation.role, alreadyMember: !membership },
    });
    if (membership) {
      await recordAudit(db, {
        actor: agent.id,
        collectivityId: invitation.collectivityId,
        action: "membership.created",
        targetType: "agent",
        targetId: agent.id,
        requestId,
        details: { membershipId: membership.id, role: invitation.role, via: "invitation" },
      });
    }
  }
  return open.length;
}

export interface OpenInvitation {
  id: string;
  email: string;
  role: MembershipRole;
  createdAt: Date;
  expiresAt: Date;
}

export async function listOpenInvitations(db: Database, collectivityId: string): Promise<OpenInvitation[]> {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.collectivityId, collectivityId),
        isNull(invitations.acceptedAt),
        isNull(invitations.cancelledAt),
      ),
    )
    .orderBy(asc(invitations.email));
}
