import { z } from "zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Table } from "~/components/dsfr/table";
import { FlashAlert } from "~/components/flash-alert";
import {
  endpointErrorItems,
  WebhookEndpointFields,
  WebhookSecretReveal,
  type EndpointFieldErrors,
  type EndpointFieldValues,
} from "~/components/portal/webhook-endpoint-fields";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { oneOf } from "~/forms/fields";
import { FORM_ERROR_KEY, parseForm } from "~/forms/parse-form";
import { readFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { formatDateTime } from "~/domain/paris-time";
import { getServices } from "~/services.server";
import { WEBHOOK_EVENT_LABELS } from "~/webhooks/event-types";
import { endpointFormSchema, typedEndpointValues } from "~/webhooks/endpoint-form.server";
import { createEndpoint, listEndpoints, TooManyEndpointsError } from "~/webhooks/endpoints.server";
import { disabledNotice } from "~/webhooks/endpoint-status";

export const meta: MetaFunction = () => [{ title: "Webhooks de la commune - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Webhooks" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const endpoints = await listEndpoints(await getDatabase(), collectivity.id);
  const { flash, headers } = await readFlash(request);
  return data(
    {
      flash,
      commune: { siret: collectivity.siret },
      demoMode: getConfig().demoMode,
      endpoints: endpoints.map((e) => ({
        id: e.id,
        url: e.url,
        description: e.description,
        events: e.events,
        status: e.status,
        disabledNotice: e.status === "disabled" ? disabledNotice(e.disabledReason) : null,
        lastSuccessAt: e.lastSuccessAt ? formatDateTime(e.lastSuccessAt) : null,
      })),
    },
    { headers },
  );
}

const createIntent = z.object({ intent: oneOf(["create"], "Action inconnue") });

type ActionResult =
  | { ok: false; errors: EndpointFieldErrors & { [FORM_ERROR_KEY]?: string }; values: EndpointFieldValues }
  | { ok: true; created: { id: string; url: string; secret: string } };

/**
 * Creating a webhook answers with its secret instead of redirecting (Post/Redirect/Get): the
 * secret is shown once, and a redirect would have to carry it in a cookie or keep it somewhere.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const form = await request.formData();
  if (!parseForm(createIntent, form).success) throw data("Action inconnue", { status: 400 });
  const values = typedEndpointValues(form);
  const parsed = parseForm(endpointFormSchema({ demoMode: getConfig().demoMode }), form);
  if (!parsed.success) return data<ActionResult>({ ok: false, errors: parsed.errors, values }, { status: 400 });
  try {
    const { endpoint, secret } = await createEndpoint(await getDatabase(), {
      collectivityId: collectivity.id,
      actor: agent.id,
      requestId: context.requestId,
      key: getServices().encryptionKey,
      input: parsed.data,
    });
    return data<ActionResult>({ ok: true, created: { id: endpoint.id, url: endpoint.url, secret } });
  } catch (error) {
    if (!(error instanceof TooManyEndpointsError)) throw error;
    return data<ActionResult>(
      {
        ok: false,
        errors: { [FORM_ERROR_KEY]: "La commune a déjà 10 webhooks : supprimez-en un avant d’en ajouter." },
        values,
      },
      { status: 400 },
    );
  }
}

const EMPTY: EndpointFieldValues = { url: "", description: "", events: ["dossier.recu"] };

export default function CommuneWebhooks() {
  const { commune, endpoints, demoMode, flash } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const base = `/portail/communes/${commune.siret}/webhooks`;
  const failed = outcome && !outcome.ok ? outcome : null;
  const disabled = endpoints.filter((e) => e.status === "disabled");
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Webhooks</h1>
      <FlashAlert flash={flash} />
      <p>
        Le logiciel de la commune peut être prévenu dès qu’un dossier arrive, qu’un QF change ou qu’une campagne de mise
        à jour se termine : Portail QF envoie alors une requête HTTPS signée à l’adresse indiquée. Les envois en échec
        sont réessayés pendant environ 24 heures. Format des messages :{" "}
        <a href="/api/schemas/webhooks/dossier.recu.json">schémas JSON des événements</a>.
      </p>

      {outcome?.ok ? (
        <>
          <WebhookSecretReveal secret={outcome.created.secret} rotated={false} />
          <p>
            <Link className="fr-link" to={`${base}/${outcome.created.id}`}>
              Voir le webhook et envoyer un événement de test
            </Link>
          </p>
        </>
      ) : null}

      {disabled.map((e) => (
        <Alert
          key={e.id}
          type="warning"
          title={`Webhook désactivé : ${e.url}`}
          titleAs="h2"
          description={
            <>
              {e.disabledNotice} <Link to={`${base}/${e.id}`}>Vérifier l’adresse, envoyer un test et le réactiver</Link>
            </>
          }
          className="fr-mb-3w"
        />
      ))}

      <section className="fr-mt-4w" aria-labelledby="webhooks-liste">
        <h2 id="webhooks-liste">Webhooks de la commune</h2>
        {endpoints.length === 0 ? (
          <p>Aucun webhook pour l’instant.</p>
        ) : (
          <Table
            caption="Webhooks de la commune"
            hideCaption
            headers={["Adresse", "Événements", "État", "Dernier envoi réussi"]}
            rowHeaders
            rows={endpoints.map((e) => ({
              key: e.id,
              cells: [
                <>
                  <Link to={`${base}/${e.id}`}>{e.url}</Link>
                  {e.description ? <span className="fr-hint-text">{e.description}</span> : null}
                </>,
                e.events.map((type) => WEBHOOK_EVENT_LABELS[type]).join(", "),
                e.status === "active" ? (
                  <Badge type="success" small>
                    Actif
                  </Badge>
                ) : (
                  <Badge type="warning" small>
                    Désactivé
                  </Badge>
                ),
                e.lastSuccessAt ?? "—",
              ],
            }))}
          />
        )}
      </section>

      <section className="fr-mt-6w" aria-labelledby="webhook-ajout">
        <h2 id="webhook-ajout">Ajouter un webhook</h2>
        {failed?.errors[FORM_ERROR_KEY] ? (
          <Alert type="error" small role="alert" description={failed.errors[FORM_ERROR_KEY]} className="fr-mb-3w" />
        ) : null}
        {failed ? <ErrorSummary items={endpointErrorItems(failed.errors)} titleAs="h3" className="fr-mb-3w" /> : null}
        <Form method="post" className="fr-col-12 fr-col-md-8 fr-px-0" key={outcome?.ok ? outcome.created.id : "new"}>
          <WebhookEndpointFields values={failed?.values ?? EMPTY} errors={failed?.errors ?? {}} demoMode={demoMode} />
          <Button type="submit" name="intent" value="create" disabled={busy}>
            Ajouter le webhook
          </Button>
        </Form>
      </section>
    </div>
  );
}
