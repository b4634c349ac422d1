import { asc, eq } from "drizzle-orm";
import type { Database, DbExecutor } from "../../../db/client.ts";
import { agents, memberships, type MembershipRole } from "../../../db/schema/index.ts";
import { recordAudit } from "../../audit/audit.server";

/** A commune's members, as its administrator manages them. */

export interface Member {
  membershipId: string;
  agentId: string;
  givenName: string;
  usualName: string;
  email: string;
  role: MembershipRole;
  memberSince: Date;
  lastLoginAt: Date | null;
}

export async function listMembers(db: Database, collectivityId: string): Promise<Member[]> {
  return db
    .select({
      membershipId: memberships.id,
      agentId: agents.id,
      givenName: agents.givenName,
      usualName: agents.usualName,
      email: agents.email,
      role: memberships.role,
      memberSince: memberships.createdAt,
      lastLoginAt: agents.lastLoginAt,
    })
    .from(memberships)
    .innerJoin(agents, eq(agents.id, memberships.agentId))
    .where(eq(memberships.collectivityId, collectivityId))
    .orderBy(asc(agents.usualName), asc(agents.givenName));
}

export type MembershipChangeOutcome = "ok" | "not_found" | "last_admin";

interface MembershipChange {
  collectivityId: string;
  membershipId: string;
  actor: string;
  requestId?: string | null;
}

/**
 * Locks the commune's memberships and checks a change keeps at least one
 * administrator: a commune without one could no longer manage its agents.
 */
async function lockedTarget(t: DbExecutor, input: MembershipChange) {
  const rows = await t
    .select({ id: memberships.id, role: memberships.role, agentId: memberships.agentId })
    .from(memberships)
    .where(eq(memberships.collectivityId, input.collectivityId))
    .for("update");
  const target = rows.find((row) => row.id === input.membershipId);
  const admins = rows.filter((row) => row.role === "admin").length;
  return { target, admins };
}

export async function changeMemberRole(
  db: Database,
  input: MembershipChange & { role: MembershipRole },
): Promise<MembershipChangeOutcome> {
  return db.transaction(async (t) => {
    const { target, admins } = await lockedTarget(t, input);
    if (!target) return "not_found";
    if (target.role === input.role) return "ok";
    if (target.role === "admin" && admins <= 1) return "last_admin";
    await t.update(memberships).set({ role: input.role }).where(eq(memberships.id, target.id));
    await recordAudit(t, {
      actor: input.actor,
      collectivityId: input.collectivityId,
      action: "membership.role_changed",
      targetType: "agent",
      targetId: target.agentId,
      requestId: input.requestId,
      details: { membershipId: target.id, from: target.role, to: input.role },
    });
    return "ok";
  });
}

export async function revokeMembership(db: Database, input: MembershipChange): Promise<MembershipChangeOutcome> {
  return db.transaction(async (t) => {
    const { target, admins } = await lockedTarget(t, input);
    if (!target) return "not_found";
    if (target.role === "admin" && admins <= 1) return "last_admin";
    await t.delete(memberships).where(eq(memberships.id, target.id));
    await recordAudit(t, {
      actor: input.actor,
      collectivityId: input.collectivityId,
      action: "membership.revoked",
      targetType: "agent",
      targetId: target.agentId,
      requestId: input.requestId,
      details: { membershipId: target.id, role: target.role },
    });
    return "ok";
  });
}
