import { eq } from "drizzle-orm";
import type { DbExecutor } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";
import { notifyAgents } from "~/mail/notify.server";
import { communeAdministrators } from "~/mail/recipients.server";
import { renderWebhookDisabledMail } from "~/mail/templates/notification-mails.server";
import { DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT, DISABLE_AFTER_FAILING_DAYS } from "./thresholds";

const REASONS = {
  consecutive_failures: `${DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT} événements de suite n’ont pas pu lui être livrés.`,
  failing_too_long: `toutes les livraisons échouent depuis plus de ${DISABLE_AFTER_FAILING_DAYS} jours.`,
} as const;

/** An endpoint was disabled after failing: the commune's administrators are told, in that transaction. */
export async function mailWebhookDisabled(
  db: DbExecutor,
  input: { endpointId: string; collectivityId: string; url: string; reason: keyof typeof REASONS; disabledAt: Date },
): Promise<void> {
  const [commune] = await db
    .select({ name: collectivities.name, siret: collectivities.siret })
    .from(collectivities)
    .where(eq(collectivities.id, input.collectivityId));
  if (!commune) return;
  await notifyAgents(db, {
    recipients: await communeAdministrators(db, input.collectivityId),
    kind: "webhook_disabled",
    preference: "webhook_disabled",
    causeKey: `webhook-disabled:${input.endpointId}:${input.disabledAt.getTime()}`,
    collectivityId: input.collectivityId,
    render: (agentId) =>
      renderWebhookDisabledMail(agentId, {
        communeName: commune.name,
        siret: commune.siret,
        endpointId: input.endpointId,
        endpointUrl: input.url,
        reason: REASONS[input.reason],
      }),
  });
}
