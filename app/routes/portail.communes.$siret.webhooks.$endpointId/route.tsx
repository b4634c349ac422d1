import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { FlashAlert } from "~/components/flash-alert";
import {
  endpointErrorItems,
  WebhookEndpointFields,
  WebhookSecretReveal,
} from "~/components/portal/webhook-endpoint-fields";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { getServices } from "~/services.server";
import { getEndpoint } from "~/webhooks/endpoints.server";
import { DeliveryLog } from "./delivery-log";
import { performEndpointAction } from "./endpoint-action.server";
import { EndpointActions } from "./endpoint-actions";
import { DeleteConfirmation, DisabledEndpoint } from "./endpoint-notices";
import { loadEndpointPage, type EndpointPage } from "./endpoint-page.server";

export const meta: MetaFunction = () => [{ title: "Webhook - Espace agents - Portail QF" }];

const webhooksHref = (siret: string) => `/portail/communes/${siret}/webhooks`;

export const handle: BreadcrumbHandle<EndpointPage> = {
  breadcrumb: ({ data, params }) => [
    { label: "Webhooks", to: webhooksHref(params.siret ?? "") },
    { label: data?.endpoint.url ?? "Webhook" },
  ],
};

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
  const page = await loadEndpointPage(db, { collectivityId: collectivity.id, endpoint, url: new URL(request.url) });
  const { flash, headers } = await readFlash(request);
  return data({ ...page, demoMode: getConfig().demoMode, flash }, { headers });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity, db, endpoint } = await endpointOf(request, params);
  const outcome = await performEndpointAction(db, {
    collectivityId: collectivity.id,
    actor: agent.id,
    requestId: context.requestId,
    endpoint,
    form: await request.formData(),
    demoMode: getConfig().demoMode,
    encryptionKey: getServices().encryptionKey,
  });
  switch (outcome.kind) {
    case "redirect": {
      const list = webhooksHref(collectivity.siret);
      return redirectWithFlash(outcome.to === "list" ? list : `${list}/${endpoint.id}`, outcome.flash);
    }
    case "malformed":
      throw data("Action inconnue", { status: 400 });
    case "not-found":
      throw notFound();
    case "invalid":
      return data(outcome, { status: 400 });
    default:
      return data(outcome);
  }
}

export default function CommuneWebhook() {
  const { endpoint, log, demoMode, flash } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const invalid = outcome?.kind === "invalid" ? outcome : null;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Webhook</h1>
      {/* Siblings, not nested: a badge is a <p>, and a <p> inside a <p> breaks hydration. */}
      <div className="fr-mb-3w">
        <p className="fr-text--lead fr-mb-1w">{endpoint.url}</p>
        {endpoint.status === "active" ? <Badge type="success">Actif</Badge> : <Badge type="warning">Désactivé</Badge>}
      </div>

      {/* Here rather than only in the form: the form is at the bottom, below the delivery log. */}
      {invalid ? <ErrorSummary items={endpointErrorItems(invalid.errors)} /> : null}
      {outcome?.kind === "secret" ? <WebhookSecretReveal secret={outcome.secret} rotated /> : null}
      {outcome?.kind === "confirm-delete" ? <DeleteConfirmation busy={busy} /> : null}
      <FlashAlert flash={flash} />
      {endpoint.disabledNotice ? <DisabledEndpoint notice={endpoint.disabledNotice} busy={busy} /> : null}

      <EndpointActions endpoint={endpoint} busy={busy} />
      <DeliveryLog log={log} busy={busy} />

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
