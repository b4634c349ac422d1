import type { LoaderFunctionArgs } from "@remix-run/node";
import { WEBHOOK_SCHEMAS } from "~/webhooks/event-schemas";

/** GET /api/schemas/webhooks/<event>.json: the JSON Schema of an outgoing webhook's payload. */
export function loader({ params }: LoaderFunctionArgs) {
  const name = /^(.+)\.json$/.exec(params.event ?? "")?.[1];
  const schema =
    name && Object.hasOwn(WEBHOOK_SCHEMAS, name) ? WEBHOOK_SCHEMAS[name as keyof typeof WEBHOOK_SCHEMAS] : null;
  if (!schema) {
    return new Response(JSON.stringify({ erreur: "Schéma inconnu", schemas: Object.keys(WEBHOOK_SCHEMAS) }), {
      status: 404,
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
  }
  return new Response(JSON.stringify(schema, null, 2), {
    headers: {
      "Content-Type": "application/schema+json; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "public, max-age=3600",
    },
  });
}
