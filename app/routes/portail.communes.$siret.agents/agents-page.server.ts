import type { Database } from "../../../db/client.ts";
import { formatDate } from "~/domain/paris-time";
import { INVITATION_TTL_DAYS, listOpenInvitations } from "~/portal/access/invitations.server";
import { listPendingJoinRequests } from "~/portal/access/join-requests.server";
import { listMembers } from "~/portal/access/memberships.server";

/** Who can enter the commune's space, who is invited and who asks to: names and dates as the page shows them. */
export async function loadAgentsPage(db: Database, collectivityId: string, now = new Date()) {
  const [members, invitations, joinRequests] = await Promise.all([
    listMembers(db, collectivityId),
    listOpenInvitations(db, collectivityId),
    listPendingJoinRequests(db, collectivityId),
  ]);
  return {
    invitationDays: INVITATION_TTL_DAYS,
    members: members.map((m) => ({
      membershipId: m.membershipId,
      agentId: m.agentId,
      name: `${m.givenName} ${m.usualName}`,
      email: m.email,
      role: m.role,
      lastLogin: m.lastLoginAt ? formatDate(m.lastLoginAt) : null,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      createdOn: formatDate(i.createdAt),
      expiresOn: formatDate(i.expiresAt),
      expired: i.expiresAt.getTime() <= now.getTime(),
    })),
    joinRequests: joinRequests.map((r) => ({
      id: r.id,
      // A DataPass applicant has not logged in yet: no name, only the address of the approval.
      name: r.givenName !== null ? `${r.givenName} ${r.usualName ?? ""}`.trim() : "Demandeur DataPass",
      email: r.email,
      organizationLabel: r.source === "datapass" ? "Habilitation DataPass accordée" : r.organizationLabel,
      createdOn: formatDate(r.createdAt),
    })),
  };
}

export type AgentsPage = Awaited<ReturnType<typeof loadAgentsPage>>;
