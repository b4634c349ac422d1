import { Form } from "@remix-run/react";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { Pagination } from "~/components/dsfr/pagination";
import { Table } from "~/components/dsfr/table";
import { WEBHOOK_EVENT_LABELS } from "~/webhooks/event-types";
import type { EndpointPage } from "./endpoint-page.server";

const STATUS_BADGES = {
  pending: { type: "info", label: "En attente" },
  delivered: { type: "success", label: "Livré" },
  failed: { type: "error", label: "Échec" },
} as const;

/** The endpoint's deliveries, newest first, each finished one with a button to replay it. */
export function DeliveryLog({ log, busy }: { log: EndpointPage["log"]; busy: boolean }) {
  return (
    <section className="fr-mt-6w" aria-labelledby="webhook-journal">
      <h2 id="webhook-journal">Journal des envois</h2>
      {log.entries.length === 0 ? (
        <p>Aucun envoi pour l’instant. Envoyez un événement de test pour vérifier la réception.</p>
      ) : (
        <>
          <Table
            caption={`Envois, des plus récents aux plus anciens (${log.total} au total, page ${log.page} sur ${log.pageCount})`}
            size="sm"
            headers={["Créé le", "Événement", "État", "Essais", "Réponse", "Prochain essai", "Action"]}
            rows={log.entries.map((d) => ({
              key: d.id,
              cells: [
                d.createdAt,
                <>
                  {WEBHOOK_EVENT_LABELS[d.eventType]}
                  <span className="fr-hint-text">
                    {d.eventId}
                    {d.replay ? " (rejoué)" : ""}
                  </span>
                </>,
                <Badge key="status" type={STATUS_BADGES[d.status].type} small>
                  {STATUS_BADGES[d.status].label}
                </Badge>,
                String(d.attempts),
                d.responseStatus !== null ? `HTTP ${d.responseStatus}` : (d.error ?? "—"),
                d.nextAttemptAt ?? "—",
                d.status === "pending" ? (
                  "—"
                ) : (
                  <Form method="post" key="replay">
                    <input type="hidden" name="deliveryId" value={d.id} />
                    <Button
                      type="submit"
                      name="intent"
                      value="replay"
                      size="sm"
                      priority="tertiary"
                      disabled={busy}
                      aria-label={`Rejouer l’envoi du ${d.createdAt}`}
                    >
                      Rejouer
                    </Button>
                  </Form>
                ),
              ],
            }))}
          />
          <Pagination currentPage={log.page} pageCount={log.pageCount} pageHref={(page) => `?page=${page}`} />
        </>
      )}
    </section>
  );
}
