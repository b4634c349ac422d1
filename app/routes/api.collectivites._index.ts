import type { LoaderFunctionArgs } from "@remix-run/node";
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
