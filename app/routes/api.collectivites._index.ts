import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { registerCollectivity } from "~/api/collectivity-registration.server";
import { getConfig } from "~/config.server";
import {
  isPreflight,
  listPublicCollectivities,
  preflightResponse,
  publicJson,
} from "~/api/public-collectivities.server";
import { getDatabase } from "~/db.server";

/** GET /api/collectivites: the active collectivities, by name (see app/api/openapi.yaml). */
export async function loader({ request }: LoaderFunctionArgs) {
  if (isPreflight(request)) return preflightResponse();
  return publicJson(await listPublicCollectivities(await getDatabase()));
}

/** POST /api/collectivites: API Particulier's back office registers a commune (see app/api/openapi.yaml). */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return Response.json({ error: "Method not allowed" }, { status: 405, headers: { Allow: "GET, POST" } });
  }
  return registerCollectivity(request, {
    db: await getDatabase(),
    apiKey: getConfig().API_COLLECTIVITES_KEY,
    clientIp: context.clientIp,
    requestId: context.requestId,
  });
}
