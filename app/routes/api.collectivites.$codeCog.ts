import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  findPublicCollectivityByCog,
  isPreflight,
  NOT_FOUND_BODY,
  preflightResponse,
  publicJson,
} from "~/api/public-collectivities.server";
import { getDatabase } from "~/db.server";

/** GET /api/collectivites/{code_cog}: one active collectivity, or the reference form's 404 body. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  if (isPreflight(request)) return preflightResponse();
  const collectivity = await findPublicCollectivityByCog(await getDatabase(), params.codeCog ?? "");
  return collectivity ? publicJson(collectivity) : publicJson(NOT_FOUND_BODY, 404);
}
