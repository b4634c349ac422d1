import { and, eq, isNotNull, lt, ne, or } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { agentSessions, agents, memberships } from "../../../db/schema/index.ts";
import { IDLE_TIMEOUT_MS } from "./agent-session.server";
import { recordAudit } from "../../audit/audit.server";
import { isPlausibleEmail, normaliseEmail } from "./email-address";
import { acceptPendingInvitations } from "./invitations.server";

/**
 * What happens in our database when ProConnect vouched for an agent: find or
 * create the agent, bind their ProConnect identity at the first login, turn
 * their invitations into memberships. Nothing here looks at the siret claim
 * beyond remembering it as a hint for a join request.
 */

export interface ProConnectIdentity {
  sub: string;
  idpId: string;
  email: string;
  givenName: string;
  usualName: string;
  siret: string | null;
  organizationLabel: string | null;
}

export class InvalidProConnectClaimsError extends Error {
  override name = "InvalidProConnectClaimsError";
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** The identity from the verified userinfo (its sub was checked against the id_token's by openid-client). */
export function identityFromClaims(userinfo: Record<string, unknown>): ProConnectIdentity {
  const email = normaliseEmail(text(userinfo.email));
  const identity = {
    sub: text(userinfo.sub),
    idpId: text(userinfo.idp_id),
    email,
    givenName: text(userinfo.given_name),
    usualName: text(userinfo.usual_name),
    siret: /^[0-9]{14}$/.test(text(userinfo.siret)) ? text(userinfo.siret) : null,
    organizationLabel: text(userinfo.organization_label) || null,
  };
  // Field names only: the values are personal data.
  const missing: string[] = (["sub", "idpId", "givenName", "usualName"] as const).filter((key) => identity[key] === "");
  if (!isPlausibleEmail(email)) missing.push("email");
  if (missing.length > 0) throw new InvalidProConnectClaimsError(`claims ProConnect manquants : ${missing.join(", ")}`);
  return identity;
}

export type AgentLoginOutcome =
  | { kind: "ok"; agentId: string; acceptedInvitations: number }
  /** The address is bound to another ProConnect identity (another identity provider or account). */
  | { kind: "identity_mismatch"; agentId: string };

export async function loginAgent(
  db: Database,
  identity: ProConnectIdentity,
  { requestId = null, now = new Date() }: { requestId?: string | null; now?: Date } = {},
): Promise<AgentLoginOutcome> {
  return db.transaction(async (t) => {
    const profile = {
      givenName: identity.givenName,
      usualName: identity.usualName,
      lastSiretClaim: identity.siret,
      lastOrganizationLabel: identity.organizationLabel,
      lastLoginAt: now,
    };
    let [agent] = await t
      .select({ id: agents.id, email: agents.email })
      .from(agents)
      .where(and(eq(agents.proconnectIdpId, identity.idpId), eq(agents.proconnectSub, identity.sub)));

    if (agent) {
      // The identity provider may have changed the address: follow it unless another agent holds it.
      const [holder] = await t
        .select({ id: agents.id })
        .from(agents)
        .where(and(eq(agents.email, identity.email), ne(agents.id, agent.id)));
      await t
        .update(agents)
        .set({ ...profile, ...(holder ? {} : { email: identity.email }) })
        .where(eq(agents.id, agent.id));
    } else {
      await t
        .insert(agents)
        .values({ email: identity.email, givenName: identity.givenName, usualName: identity.usualName })
        .onConflictDoNothing({ target: agents.email });
      const [byEmail] = await t
        .select({ id: agents.id, email: agents.email, sub: agents.proconnectSub })
        .from(agents)
        .where(eq(agents.email, identity.email))
        .for("update");
      if (byEmail!.sub !== null) {
        await recordAudit(t, {
          actor: byEmail!.id,
          collectivityId: null,
          action: "agent.login_refused",
          targetType: "agent",
          targetId: byEmail!.id,
          requestId,
          details: { reason: "identity_mismatch", idpId: identity.idpId },
        });
        return { kind: "identity_mismatch", agentId: byEmail!.id } as const;
      }
      // First login with this address: bind the ProConnect identity for good.
      await t
        .update(agents)
        .set({ ...profile, proconnectSub: identity.sub, proconnectIdpId: identity.idpId })
        .where(eq(agents.id, byEmail!.id));
      agent = { id: byEmail!.id, email: byEmail!.email };
    }

    const acceptedInvitations = await acceptPendingInvitations(
      t,
      { id: agent.id, email: identity.email },
      { requestId, now },
    );
    // Ended sessions have no further use: keep the table small.
    await t
      .delete(agentSessions)
      .where(
        and(
          eq(agentSessions.agentId, agent.id),
          or(
            isNotNull(agentSessions.revokedAt),
            lt(agentSessions.expiresAt, now),
            lt(agentSessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
          ),
        ),
      );

    // One entry per commune, so each commune's journal shows its agents' logins.
    const communes = await t
      .select({ collectivityId: memberships.collectivityId })
      .from(memberships)
      .where(eq(memberships.agentId, agent.id));
    for (const { collectivityId } of communes.length > 0 ? communes : [{ collectivityId: null }]) {
      await recordAudit(t, {
        actor: agent.id,
        collectivityId,
        action: "agent.login",
        targetType: "agent",
        targetId: agent.id,
        requestId,
        details: { idpId: identity.idpId },
      });
    }
    return { kind: "ok", agentId: agent.id, acceptedInvitations } as const;
  });
}
