import { and, asc, eq } from "drizzle-orm";
import { getDatabase } from "~/db.server";
import type { Database } from "../../../db/client.ts";
import { collectivities, memberships, type MembershipRole } from "../../../db/schema/index.ts";
import { memoizedForRequest } from "~/http/request-memo.server";
import { requireAgent, type CurrentAgent } from "./agent-session.server";

/**
 * Who may see what in the portal. Access to a commune comes from a membership
 * only: not from the siret claim, not from being a platform administrator.
 */

export interface CommuneAccess extends CurrentAgent {
  collectivity: { id: string; name: string; siret: string; status: "active" | "inactive"; editor: string | null };
  membership: { id: string; role: MembershipRole };
}

/** 404 rather than 403 for non-members: whether a commune is on the portal is nobody else's business. */
export function notFound(): Response {
  return new Response("Page introuvable", { status: 404, statusText: "Not Found" });
}

export function forbidden(): Response {
  return new Response("Accès réservé", { status: 403, statusText: "Forbidden" });
}

export async function findCommuneAccess(
  db: Database,
  agentId: string,
  siret: string,
): Promise<Omit<CommuneAccess, keyof CurrentAgent> | null> {
  if (!/^[0-9]{14}$/.test(siret)) return null;
  const [row] = await db
    .select({
      collectivity: {
        id: collectivities.id,
        name: collectivities.name,
        siret: collectivities.siret,
        status: collectivities.status,
        editor: collectivities.editor,
      },
      membership: { id: memberships.id, role: memberships.role },
    })
    .from(memberships)
    .innerJoin(collectivities, eq(collectivities.id, memberships.collectivityId))
    .where(and(eq(memberships.agentId, agentId), eq(collectivities.siret, siret)));
  return row ?? null;
}

/**
 * The signed-in agent and their membership of the commune `siret` (the route's
 * `params.siret`). Throws a redirect to login without a session, a 404 when
 * the agent is not a member (whether or not the commune exists), a 403 when
 * `role` is "admin" and the agent is a plain agent. Every loader and action
 * under /portail/communes/$siret calls it first, before reading anything.
 */
export async function requireMembership(
  request: Request,
  siret: string | undefined,
  role?: "admin",
): Promise<CommuneAccess> {
  const current = await requireAgent(request);
  const db = await getDatabase();
  const access = await memoizedForRequest(`commune-access:${current.agent.id}:${siret ?? ""}`, () =>
    findCommuneAccess(db, current.agent.id, siret ?? ""),
  );
  if (!access) throw notFound();
  if (role === "admin" && access.membership.role !== "admin") throw forbidden();
  return { ...current, ...access };
}

/** The platform administration: 403 for everyone else (its existence is public). */
export async function requirePlatformAdmin(request: Request): Promise<CurrentAgent> {
  const current = await requireAgent(request);
  if (!current.agent.platformAdmin) throw forbidden();
  return current;
}

export interface AgentCommune {
  name: string;
  siret: string;
  role: MembershipRole;
  status: "active" | "inactive";
}

export async function listAgentCommunes(db: Database, agentId: string): Promise<AgentCommune[]> {
  return db
    .select({
      name: collectivities.name,
      siret: collectivities.siret,
      role: memberships.role,
      status: collectivities.status,
    })
    .from(memberships)
    .innerJoin(collectivities, eq(collectivities.id, memberships.collectivityId))
    .where(eq(memberships.agentId, agentId))
    .orderBy(asc(collectivities.name));
}
