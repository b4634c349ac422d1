import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { agents } from "../../../db/schema/index.ts";

/**
 * An agent's name as the portal shows who did something ("Claire Lefebvre"), or null when the
 * account is gone. Agents' names are work identities the journal shows too, not families' data.
 */
export async function agentDisplayName(db: Database, agentId: string | null): Promise<string | null> {
  if (!agentId) return null;
  const [agent] = await db
    .select({ givenName: agents.givenName, usualName: agents.usualName })
    .from(agents)
    .where(eq(agents.id, agentId));
  return agent ? [agent.givenName, agent.usualName].filter(Boolean).join(" ") || null : null;
}
