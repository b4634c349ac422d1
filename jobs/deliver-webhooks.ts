import { deliverDueWebhooks, purgeWebhookEvents } from "../app/webhooks/delivery.server.ts";
import { getServices } from "../app/services.server.ts";
import type { JobContext } from "./schedules.ts";

/** The outgoing webhooks' outbox: sends every delivery due, then drops events past their retention. */
export async function deliverWebhooksJob({ db, config }: JobContext) {
  const { encryptionKey } = getServices();
  // Private and loopback addresses only in demo mode (NODE_ENV other than production).
  const counts = await deliverDueWebhooks({ db, encryptionKey, allowPrivate: config.demoMode });
  const purged = await purgeWebhookEvents(db);
  return { ...counts, purged };
}
