import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import type { WebhookEndpoint } from "../../../db/schema/index.ts";
import type { EndpointFieldErrors, EndpointFieldValues } from "~/components/portal/webhook-endpoint-fields";
import { oneOf } from "~/forms/fields";
import { parseForm } from "~/forms/parse-form";
import type { Flash } from "~/http/flash";
import { deliverWebhookNow, type WebhookDeliveryOutcome } from "~/webhooks/delivery.server";
import { endpointFormSchema, typedEndpointValues } from "~/webhooks/endpoint-form.server";
import {
  deleteEndpoint,
  disableEndpoint,
  enableEndpoint,
  queueTestPing,
  replayDelivery,
  rotateEndpointSecret,
  updateEndpointEvents,
} from "~/webhooks/endpoints.server";

const INTENTS = [
  "update",
  "rotate",
  "delete",
  "delete-confirmed",
  "enable",
  "disable",
  "test",
  "replay",
  "keep",
] as const;
const intentSchema = z.object({ intent: oneOf(INTENTS, "Action inconnue") });
const replaySchema = z.object({ deliveryId: z.string() });

/**
 * What the page answers. Most actions redirect with a flash message (Post/Redirect/Get). Two do
 * not: a new secret is shown once, in the answer itself (a redirect would have to carry it in a
 * cookie or keep it somewhere), and the first click on « Supprimer » only asks for confirmation.
 */
export type EndpointActionResult =
  | { kind: "redirect"; to: "endpoint" | "list"; flash: Flash }
  | { kind: "secret"; secret: string }
  | { kind: "confirm-delete" }
  | { kind: "invalid"; errors: EndpointFieldErrors; values: EndpointFieldValues }
  | { kind: "malformed" }
  | { kind: "not-found" };

const SEND_MESSAGES: Record<WebhookDeliveryOutcome, Flash> = {
  delivered: { level: "success", message: "Événement livré : l’adresse a répondu avec un code 2xx." },
  retry_scheduled: {
    level: "warning",
    message: "L’envoi a échoué ; il sera réessayé automatiquement. Le détail est dans le journal ci-dessous.",
  },
  failed: { level: "warning", message: "L’envoi a échoué définitivement. Le détail est dans le journal ci-dessous." },
  not_claimed: { level: "info", message: "L’événement est en file d’attente : il partira dans quelques secondes." },
};

const back = (flash: Flash, to: "endpoint" | "list" = "endpoint") => ({ kind: "redirect", to, flash }) as const;

/** What the administrator asked of an endpoint of their commune (already found). */
export async function performEndpointAction(
  db: Database,
  input: {
    collectivityId: string;
    actor: string;
    requestId: string;
    endpoint: WebhookEndpoint;
    form: FormData;
    demoMode: boolean;
    encryptionKey: Buffer;
  },
): Promise<EndpointActionResult> {
  const { form, endpoint } = input;
  const change = { collectivityId: input.collectivityId, actor: input.actor, requestId: input.requestId, endpoint };
  const deliver = async (deliveryId: string) =>
    SEND_MESSAGES[
      await deliverWebhookNow({ db, encryptionKey: input.encryptionKey, allowPrivate: input.demoMode }, deliveryId)
    ];
  const chosen = parseForm(intentSchema, form);
  if (!chosen.success) return { kind: "malformed" };
  switch (chosen.data.intent) {
    case "update": {
      const parsed = parseForm(endpointFormSchema({ demoMode: input.demoMode }), form);
      if (!parsed.success) return { kind: "invalid", errors: parsed.errors, values: typedEndpointValues(form) };
      await updateEndpointEvents(db, { ...change, input: parsed.data });
      return back({ level: "success", message: "Webhook enregistré." });
    }
    case "rotate":
      return { kind: "secret", secret: await rotateEndpointSecret(db, { ...change, key: input.encryptionKey }) };
    case "delete":
      return { kind: "confirm-delete" };
    case "delete-confirmed":
      await deleteEndpoint(db, change);
      return back({ level: "success", message: "Webhook supprimé." }, "list");
    case "enable":
      await enableEndpoint(db, change);
      return back({ level: "success", message: "Webhook réactivé : les événements en attente vont lui être envoyés." });
    case "disable":
      await disableEndpoint(db, change);
      return back({ level: "info", message: "Webhook désactivé : il ne reçoit plus d’événements." });
    case "test":
      return back(await deliver(await queueTestPing(db, change)));
    case "replay": {
      const replay = parseForm(replaySchema, form);
      const replayId = replay.success ? await replayDelivery(db, { ...change, ...replay.data }) : null;
      if (!replayId) return { kind: "not-found" };
      if (endpoint.status !== "active") {
        return back({ level: "info", message: "Envoi remis en file : il partira quand le webhook sera réactivé." });
      }
      return back(await deliver(replayId));
    }
    case "keep":
      return back({ level: "info", message: "Le webhook est conservé." });
  }
}
