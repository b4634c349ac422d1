import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

/**
 * The OpenAPI description of the public API (app/api/openapi.yaml), served as
 * written (YAML) and as JSON. Read from the working directory like the other
 * reference files: the server always runs from the repository root.
 */
export const OPENAPI_FILE = path.resolve(process.cwd(), "app/api/openapi.yaml");

let cached: { yaml: string; json: string } | undefined;

export function openApiDocument(): { yaml: string; json: string } {
  if (!cached) {
    const yaml = readFileSync(OPENAPI_FILE, "utf8");
    cached = { yaml, json: JSON.stringify(parse(yaml)) };
  }
  return cached;
}

/** Documentation tools (Swagger UI, Redoc) often run on another origin: CORS open like the API. */
export function openApiResponse(format: "json" | "yaml"): Response {
  const document = openApiDocument();
  return new Response(format === "json" ? document.json : document.yaml, {
    headers: {
      "Content-Type": format === "json" ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "public, max-age=3600",
    },
  });
}
