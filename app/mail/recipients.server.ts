import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "../../db/client.ts";
import { agentMailPreferences, agents, memberships, type OptionalMailKind } from "../../db/schema/index.ts";

/** Who gets the commune's mails, and whether an agent wants an optional one. */

export interface MailRecipient {
  agentId: string;
  email: string;
  role: "admin" | "agent";
}

export async function communeAdministrators(db: DbExecutor, collectivityId: string): Promise<MailRecipient[]> {
  return db
    .select({ agentId: agents.id, email: agents.email, role: memberships.role })
    .from(memberships)
    .innerJoin(agents, eq(agents.id, memberships.agentId))
    .where(and(eq(memberships.collectivityId, collectivityId), eq(memberships.role, "admin")))
    .orderBy(agents.email);
}

/** One agent, with their role in the commune (the digest's default depends on it). */
export async function communeMember(
  db: DbExecutor,
  collectivityId: string,
  agentId: string,
): Promise<MailRecipient | null> {
  const [row] = await db
    .select({ agentId: agents.id, email: agents.email, role: memberships.role })
    .from(memberships)
    .innerJoin(agents, eq(agents.id, memberships.agentId))
    .where(and(eq(memberships.collectivityId, collectivityId), eq(memberships.agentId, agentId)));
  return row ?? null;
}

/** The default when the agent never chose: every optional mail on, but the digest for administrators only. */
export function defaultPreference(kind: OptionalMailKind, isAdmin: boolean): boolean {
  return kind === "daily_digest" ? isAdmin : true;
}

export async function wantsMail(
  db: DbExecutor,
  agentId: string,
  kind: OptionalMailKind,
  isAdmin: boolean,
): Promise<boolean> {
  const [row] = await db
    .select({ enabled: agentMailPreferences.enabled })
    .from(agentMailPreferences)
    .where(and(eq(agentMailPreferences.agentId, agentId), eq(agentMailPreferences.kind, kind)));
  return row ? row.enabled : defaultPreference(kind, isAdmin);
}
