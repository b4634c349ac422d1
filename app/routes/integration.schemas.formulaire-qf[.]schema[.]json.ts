import { getConfig } from "~/config.server";
import { FORMULAIRE_QF_JSON_SCHEMA, FORMULAIRE_QF_SCHEMA_PATH } from "~/editor-kit/formulaire-qf-schema";

/**
 * GET /integration/schemas/formulaire-qf.schema.json: the JSON Schema of FormulaireQF.json for
 * editors' software. Its $id is its public address, so validators can cache and reference it;
 * CORS is open like the public API, since documentation tools often run on another origin.
 */
export function loader() {
  const { $schema, ...rest } = FORMULAIRE_QF_JSON_SCHEMA;
  const schema = { $schema, $id: new URL(FORMULAIRE_QF_SCHEMA_PATH, getConfig().APP_URL).toString(), ...rest };
  return new Response(JSON.stringify(schema, null, 2), {
    headers: {
      "Content-Type": "application/schema+json; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "public, max-age=3600",
    },
  });
}
