import { openApiResponse } from "~/api/openapi.server";

/** GET /api/openapi.json: the public API's OpenAPI 3.0 description. */
export function loader() {
  return openApiResponse("json");
}
