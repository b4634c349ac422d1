import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Pagination } from "~/components/dsfr/pagination";
import { Table } from "~/components/dsfr/table";
import {
  endpointErrorItems,
  readEndpointForm,
  WebhookEndpointFields,
  WebhookSecretReveal,
  type EndpointFieldErrors,
  type EndpointFieldValues,
} from "~/components/portal/webhook-endpoint-fields";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { formatDateTime } from "~/domain/paris-time";
import { getServices } from "~/services.server";
import { deliverWebhookNow, type WebhookDeliveryOutcome } from "~/webhooks/delivery.server";
import { disabledNotice } from "~/webhooks/endpoint-status";
import {
  deleteEndpoint,
  disableEndpoint,
  enableEndpoint,
  getEndpoint,
  listDeliveries,
  parseEndpointInput,
  queueTestPing,
  replayDelivery,
  rotateEndpointSecret,
  updateEndpointEvents,
} from "~/webhooks/endpoints.server";
import { WEBHOOK_EVENT_LABELS } from "~/webhooks/event-schemas";

export const meta: MetaFunction = () => [{ title: "Webhook - Espace agents - Portail QF" }];

/** The endpoint of this commune named in the URL, or 404 (another commune's id included). */
async function endpointOf(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireMembership(request, params.siret, "admin");
  const db = await getDatabase();
  const endpoint = await getEndpoint(db, access.collectivity.id, params.endpointId ?? "");
  if (!endpoint) throw notFound();
  return { ...access, db, endpoint };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, db, endpoint } = await endpointOf(request, params);
  const page = Number(new URL(request.url).searchParams.get("page") ?? "1");
  const log = await listDeliveries(db, collectivity.id, endpoint.id, Number.isInteger(page) ? page : 1);
  const now = Date.now();
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    demoMode: getConfig().demoMode,
    endpoint: {
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      status: endpoint.status,
      disabledNotice: endpoint.status === "disabled" ? disabledNotice(endpoint.disabledReason) : null,
      secretRotatedAt: endpoint.secretRotatedAt ? formatDateTime(endpoint.secretRotatedAt) : null,
      previousSecretValidUntil:
        endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > now
          ? formatDateTime(endpoint.previousSecretExpiresAt)
          : null,
      lastSuccessAt: endpoint.lastSuccessAt ? formatDateTime(endpoint.lastSuccessAt) : null,
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
        lastAttemptAt: d.lastAttemptAt ? formatDateTime(d.lastAttemptAt) : null,
        nextAttemptAt: d.status === "pending" ? formatDateTime(d.nextAttemptAt) : null,
        replay: d.replayOf !== null,
      })),
    },
  };
}

type ActionResult =
  | { kind: "secret"; secret: string }
  | { kind: "confirm-delete" }
  | { kind: "message"; level: "success" | "warning" | "error" | "info"; message: string }
  | { kind: "invalid"; errors: EndpointFieldErrors; values: EndpointFieldValues };

const SEND_MESSAGES: Record<WebhookDeliveryOutcome, { level: "success" | "warning" | "info"; message: string }> = {
  delivered: { level: "success", message: "Événement livré : l’adresse a répondu avec un code 2xx." },
  retry_scheduled: {
    level: "warning",
    message: "L’envoi a échoué ; il sera réessayé automatiquement. Le détail est dans le journal ci-dessous.",
  },
  failed: { level: "warning", message: "L’envoi a échoué définitivement. Le détail est dans le journal ci-dessous." },
  not_claimed: { level: "info", message: "L’événement est en file d’attente : il partira dans quelques secondes." },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity, db, endpoint } = await endpointOf(request, params);
  const change = { collectivityId: collectivity.id, actor: agent.id, requestId: context.requestId, endpoint };
  const form = await request.formData();
  const deliveryDeps = { db, encryptionKey: getServices().encryptionKey, allowPrivate: getConfig().demoMode };
  const message = (level: "success" | "warning" | "error" | "info", text: string) =>
    data<ActionResult>({ kind: "message", level, message: text });

  switch (form.get("intent")) {
    case "update": {
      const values = readEndpointForm(form);
      const parsed = parseEndpointInput(values, { demoMode: getConfig().demoMode });
      if (!parsed.ok) return data<ActionResult>({ kind: "invalid", errors: parsed.errors, values }, { status: 400 });
      await updateEndpointEvents(db, { ...change, input: parsed.value });
      return message("success", "Webhook enregistré.");
    }
    case "rotate": {
      const secret = await rotateEndpointSecret(db, { ...change, key: getServices().encryptionKey });
      return data<ActionResult>({ kind: "secret", secret });
    }
    case "delete":
      // Two steps without JavaScript: the first click asks for confirmation.
      return data<ActionResult>({ kind: "confirm-delete" });
    case "delete-confirmed": {
      await deleteEndpoint(db, change);
      return redirect(`/portail/communes/${collectivity.siret}/webhooks`);
    }
    case "enable": {
      await enableEndpoint(db, change);
      return message("success", "Webhook réactivé : les événements en attente vont lui être envoyés.");
    }
    case "disable": {
      await disableEndpoint(db, change);
      return message("info", "Webhook désactivé : il ne reçoit plus d’événements.");
    }
    case "test": {
      const deliveryId = await queueTestPing(db, change);
      const outcome = SEND_MESSAGES[await deliverWebhookNow(deliveryDeps, deliveryId)];
      return message(outcome.level, outcome.message);
    }
    case "replay": {
      const deliveryId = form.get("deliveryId");
      const replayId = await replayDelivery(db, {
        ...change,
        deliveryId: typeof deliveryId === "string" ? deliveryId : "",
      });
      if (!replayId) throw notFound();
      if (endpoint.status !== "active") {
        return message("info", "Envoi remis en file : il partira quand le webhook sera réactivé.");
      }
      const outcome = SEND_MESSAGES[await deliverWebhookNow(deliveryDeps, replayId)];
      return message(outcome.level, outcome.message);
    }
    case "keep":
      return message("info", "Le webhook est conservé.");
    default:
      throw data("Action inconnue", { status: 400 });
  }
}

const STATUS_BADGES = {
  pending: { type: "info", label: "En attente" },
  delivered: { type: "success", label: "Livré" },
  failed: { type: "error", label: "Échec" },
} as const;

export default function CommuneWebhook() {
  const { commune, endpoint, log, demoMode } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const invalid = outcome?.kind === "invalid" ? outcome : null;
  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: `/portail/communes/${commune.siret}` },
          { label: "Webhooks", to: `/portail/communes/${commune.siret}/webhooks` },
        ]}
        currentPageLabel={endpoint.url}
      />
      <h1>Webhook</h1>
      {/* Siblings, not nested: a badge is a <p>, and a <p> inside a <p> breaks hydration. */}
      <div className="fr-mb-3w">
        <p className="fr-text--lead fr-mb-1w">{endpoint.url}</p>
        {endpoint.status === "active" ? <Badge type="success">Actif</Badge> : <Badge type="warning">Désactivé</Badge>}
      </div>

      {/* Here rather than only in the form: the form is at the bottom, below the delivery log. */}
      {invalid ? <ErrorSummary items={endpointErrorItems(invalid.errors)} /> : null}
      {outcome?.kind === "secret" ? <WebhookSecretReveal secret={outcome.secret} rotated /> : null}
      {outcome?.kind === "confirm-delete" ? (
        <div className="fr-alert fr-alert--warning fr-mb-4w" role="alert">
          <h2 className="fr-alert__title">Supprimer ce webhook ?</h2>
          <p>
            Les envois en attente et le journal des envois seront effacés. Le logiciel de la commune ne recevra plus
            aucun événement à cette adresse.
          </p>
          <Form method="post" className="fr-mt-2w">
            <ButtonsGroup inline="sm">
              <li>
                <Button type="submit" name="intent" value="delete-confirmed" disabled={busy}>
                  Confirmer la suppression
                </Button>
              </li>
              <li>
                <Button type="submit" name="intent" value="keep" priority="secondary" disabled={busy}>
                  Annuler
                </Button>
              </li>
            </ButtonsGroup>
          </Form>
        </div>
      ) : null}
      {outcome?.kind === "message" ? (
        <Alert type={outcome.level} small announce description={outcome.message} className="fr-mb-3w" />
      ) : null}

      {endpoint.disabledNotice ? (
        <div className="fr-alert fr-alert--warning fr-mb-4w">
          <h2 className="fr-alert__title">Ce webhook est désactivé</h2>
          <p>{endpoint.disabledNotice}</p>
          <p>Vérifiez l’adresse, envoyez un événement de test, puis réactivez-le.</p>
          <Form method="post" className="fr-mt-2w">
            <Button type="submit" name="intent" value="enable" disabled={busy}>
              Réactiver le webhook
            </Button>
          </Form>
        </div>
      ) : null}

      <section className="fr-mt-4w" aria-labelledby="webhook-actions">
        <h2 id="webhook-actions">Actions</h2>
        <Form method="post">
          <ButtonsGroup inline="sm">
            <li>
              <Button type="submit" name="intent" value="test" priority="secondary" disabled={busy}>
                Envoyer un événement de test
              </Button>
            </li>
            <li>
              <Button type="submit" name="intent" value="rotate" priority="secondary" disabled={busy}>
                Renouveler le secret
              </Button>
            </li>
            {endpoint.status === "active" ? (
              <li>
                <Button type="submit" name="intent" value="disable" priority="tertiary" disabled={busy}>
                  Désactiver
                </Button>
              </li>
            ) : null}
            <li>
              <Button type="submit" name="intent" value="delete" priority="tertiary" disabled={busy}>
                Supprimer le webhook
              </Button>
            </li>
          </ButtonsGroup>
        </Form>
        <p className="fr-text--sm">
          {endpoint.secretRotatedAt ? `Secret renouvelé le ${endpoint.secretRotatedAt}. ` : null}
          {endpoint.previousSecretValidUntil
            ? `L’ancien secret signe encore les envois jusqu’au ${endpoint.previousSecretValidUntil}.`
            : null}
          {endpoint.lastSuccessAt ? ` Dernier envoi réussi le ${endpoint.lastSuccessAt}.` : null}
        </p>
      </section>

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

      <section className="fr-mt-6w" aria-labelledby="webhook-modifier">
        <h2 id="webhook-modifier">Modifier</h2>
        <Form method="post" className="fr-col-12 fr-col-md-8 fr-px-0">
          <WebhookEndpointFields
            values={
              invalid?.values ?? {
                url: endpoint.url,
                description: endpoint.description ?? "",
                events: endpoint.events,
              }
            }
            errors={invalid?.errors ?? {}}
            demoMode={demoMode}
          />
          <Button type="submit" name="intent" value="update" disabled={busy}>
            Enregistrer
          </Button>
        </Form>
      </section>
    </div>
  );
}
