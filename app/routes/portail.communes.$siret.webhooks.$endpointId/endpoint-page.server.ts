import type { Database } from "../../../db/client.ts";
import type { WebhookEndpoint } from "../../../db/schema/index.ts";
import { formatDateTime } from "~/domain/paris-time";
import { disabledNotice } from "~/webhooks/endpoint-status";
import { listDeliveries } from "~/webhooks/endpoints.server";

/** The endpoint's page: its address and state, its secret's dates, one page of its delivery log. */
export async function loadEndpointPage(
  db: Database,
  input: { collectivityId: string; endpoint: WebhookEndpoint; url: URL; now?: number },
) {
  const { endpoint } = input;
  const page = Number(input.url.searchParams.get("page") ?? "1");
  const log = await listDeliveries(db, input.collectivityId, endpoint.id, Number.isInteger(page) ? page : 1);
  const now = input.now ?? Date.now();
  const when = (date: Date | null) => (date ? formatDateTime(date) : null);
  return {
    endpoint: {
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      status: endpoint.status,
      disabledNotice: endpoint.status === "disabled" ? disabledNotice(endpoint.disabledReason) : null,
      secretRotatedAt: when(endpoint.secretRotatedAt),
      previousSecretValidUntil:
        endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > now
          ? formatDateTime(endpoint.previousSecretExpiresAt)
          : null,
      lastSuccessAt: when(endpoint.lastSuccessAt),
    },
    log: {
      page: log.page,
      pageCount: log.pageCount,
      total: log.total,
      entries: log.entries.map((d) => ({
        id: d.id,
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        attempts: d.attempts,
        responseStatus: d.lastResponseStatus,
        error: d.lastError,
        createdAt: formatDateTime(d.createdAt),
        lastAttemptAt: when(d.lastAttemptAt),
        nextAttemptAt: d.status === "pending" ? formatDateTime(d.nextAttemptAt) : null,
        replay: d.replayOf !== null,
      })),
    },
  };
}

export type EndpointPage = Awaited<ReturnType<typeof loadEndpointPage>>;
