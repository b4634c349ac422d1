import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { collectivities, invitations, memberships } from "../../../db/schema/index.ts";
import { recordAudit } from "../../audit/audit.server";
import { normaliseEmail } from "./email-address";
import { inviteAgent, type InviteOutcome } from "./invitations.server";

/**
 * What the platform administrator sees of the communes: their status and how
 * many people can access them, nothing of their families.
 */

export interface CommuneOverview {
  id: string;
  name: string;
  siret: string;
  departement: string;
  status: "active" | "inactive";
  editor: string | null;
  /** From HubEE's subscription API (null: not read yet). */
  hubeeSubscription: "active" | "absent" | null;
  admins: number;
  agents: number;
  openInvitations: number;
}

export async function listCommunesOverview(db: Database): Promise<CommuneOverview[]> {
  const memberCounts = db
    .select({
      collectivityId: memberships.collectivityId,
      admins: sql<number>`count(*) filter (where ${memberships.role} = 'admin')`.mapWith(Number).as("admins"),
      agents: sql<number>`count(*) filter (where ${memberships.role} = 'agent')`.mapWith(Number).as("agents"),
    })
    .from(memberships)
    .groupBy(memberships.collectivityId)
    .as("member_counts");
  const invitationCounts = db
    .select({
      collectivityId: invitations.collectivityId,
      open: sql<number>`count(*)`.mapWith(Number).as("open"),
    })
    .from(invitations)
    .where(and(isNull(invitations.acceptedAt), isNull(invitations.cancelledAt)))
    .groupBy(invitations.collectivityId)
    .as("invitation_counts");
  const rows = await db
    .select({
      id: collectivities.id,
      name: collectivities.name,
      siret: collectivities.siret,
      departement: collectivities.departement,
      status: collectivities.status,
      editor: collectivities.editor,
      hubeeSubscription: collectivities.hubeeSubscription,
      admins: memberCounts.admins,
      agents: memberCounts.agents,
      openInvitations: invitationCounts.open,
    })
    .from(collectivities)
    .leftJoin(memberCounts, eq(memberCounts.collectivityId, collectivities.id))
    .leftJoin(invitationCounts, eq(invitationCounts.collectivityId, collectivities.id))
    .orderBy(asc(collectivities.name));
  return rows.map((row) => ({
    ...row,
    admins: row.admins ?? 0,
    agents: row.agents ?? 0,
    openInvitations: row.openInvitations ?? 0,
  }));
}

/** Activates or deactivates a commune (an inactive one is no longer offered to citizens). */
export async function setCommuneStatus(
  db: Database,
  input: { collectivityId: string; status: "active" | "inactive"; actor: string; requestId?: string | null },
): Promise<boolean> {
  return db.transaction(async (t) => {
    const [row] = await t
      .update(collectivities)
      .set({ status: input.status, updatedAt: new Date() })
      .where(and(eq(collectivities.id, input.collectivityId), sql`${collectivities.status} <> ${input.status}`))
      .returning({ id: collectivities.id });
    if (!row) return false;
    await recordAudit(t, {
      actor: input.actor,
      collectivityId: input.collectivityId,
      action: input.status === "active" ? "collectivity.activated" : "collectivity.deactivated",
      targetType: "collectivity",
      targetId: input.collectivityId,
      requestId: input.requestId,
    });
    return true;
  });
}

export type PlatformInviteOutcome =
  | InviteOutcome
  /** A platform administrator may not give themselves access to a commune's families. */
  | { kind: "self_invitation" }
  /** The commune has administrators: they decide who joins (ADR 022). */
  | { kind: "commune_has_administrators" };

/**
 * A platform administrator invites a commune's first administrator, for a commune that has none
 * (DataPass left it pending, or its last administrator left). Never their own address, and never
 * into a commune that has administrators: those invite their colleagues themselves, so nobody at
 * the platform can let themselves or an accomplice into a commune's family files (ADR 022).
 */
export async function invitePlatformAdministrator(
  db: Database,
  input: { collectivityId: string; email: string; actor: { id: string; email: string }; requestId?: string | null },
): Promise<PlatformInviteOutcome> {
  if (normaliseEmail(input.email) === normaliseEmail(input.actor.email)) return { kind: "self_invitation" };
  const [admins] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.collectivityId, input.collectivityId), eq(memberships.role, "admin")));
  if ((admins?.count ?? 0) > 0) return { kind: "commune_has_administrators" };
  return inviteAgent(db, {
    collectivityId: input.collectivityId,
    email: input.email,
    role: "admin",
    invitedBy: input.actor.id,
    requestId: input.requestId,
  });
}
