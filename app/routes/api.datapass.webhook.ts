import type { ActionFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { handleDataPassWebhook } from "~/onboarding/datapass-webhook.server";

/**
 * POST /api/datapass/webhook: DataPass onboarding. Server to server, so no CSRF
 * token: the HMAC signature authenticates the sender (see app/api/openapi.yaml).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  return handleDataPassWebhook(request, {
    db: await getDatabase(),
    secret: getConfig().DATAPASS_WEBHOOK_SECRET,
    clientIp: context.clientIp,
    requestId: context.requestId,
  });
}

/** A browser or a probe opening the URL gets a clear answer rather than an error page. */
export function loader() {
  return methodNotAllowed();
}

function methodNotAllowed(): Response {
  return Response.json({ error: "Method not allowed" }, { status: 405, headers: { Allow: "POST" } });
}
