import { openApiResponse } from "~/api/openapi.server";

/** GET /api/openapi.yaml: the public API's OpenAPI 3.0 description, as written. */
export function loader() {
  return openApiResponse("yaml");
}
