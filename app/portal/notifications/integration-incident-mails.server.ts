import { eq } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import { collectivities } from "../../../db/schema/index.ts";
import { notifyAgents } from "~/mail/notify.server";
import { communeAdministrators } from "~/mail/recipients.server";
import { renderIntegrationRefusedMail } from "~/mail/templates/notification-mails.server";

/**
 * API Particulier refused the commune's token, or HubEE its SI credentials: the administrators
 * are told once per incident. The caller knows when an incident starts (the campaigns it stops,
 * the inbox whose last relevé did not fail that way) and names it in `incidentKey`.
 */
export async function mailIntegrationRefused(
  db: DbExecutor,
  input: { collectivityId: string; system: "api_particulier" | "hubee"; incidentKey: string },
): Promise<number> {
  const [commune] = await db
    .select({ name: collectivities.name, siret: collectivities.siret })
    .from(collectivities)
    .where(eq(collectivities.id, input.collectivityId));
  if (!commune) return 0;
  return notifyAgents(db, {
    recipients: await communeAdministrators(db, input.collectivityId),
    kind: input.system === "api_particulier" ? "api_particulier_refused" : "hubee_credentials_refused",
    preference: "integration_incident",
    causeKey: `${input.system}-refused:${input.incidentKey}`,
    collectivityId: input.collectivityId,
    render: (agentId) =>
      renderIntegrationRefusedMail(agentId, { communeName: commune.name, siret: commune.siret, system: input.system }),
  });
}
