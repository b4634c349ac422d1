import { readFile } from "node:fs/promises";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { OPENAPI_FILE } from "~/api/openapi.server";
import { useDatabaseHandle } from "~/db.server";
import { loader as collectivityLoader } from "~/routes/api.collectivites.$codeCog";
import { loader as listLoader } from "~/routes/api.collectivites._index";
import { loader as openApiJsonLoader } from "~/routes/api.openapi[.]json";
import { loader as openApiYamlLoader } from "~/routes/api.openapi[.]yaml";
import { testLoadContext } from "../helpers/load-context.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

type Json = Record<string, unknown>;
type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, { content?: Json }> }>> };

let handle: DatabaseHandle;
let spec: OpenApi;
// OpenAPI 3.0's `nullable` is understood by Ajv 8; strict:false lets example and x- keywords through.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

function validatorFor(path: string, method: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const response = spec.paths[path]?.[method]?.responses[String(status)];
    expect(response, `${key} documented`).toBeDefined();
    const schema = (response!.content?.["application/json"] as { schema: Json } | undefined)?.schema;
    expect(schema, `${key} has a JSON schema`).toBeDefined();
    validate = ajv.compile(schema!);
    validators.set(key, validate);
  }
  return validate;
}

async function expectConforms(path: string, method: string, response: Response): Promise<unknown> {
  const body: unknown = await response.clone().json();
  const validate = validatorFor(path, method, response.status);
  validate(body);
  expect(validate.errors ?? [], JSON.stringify(body)).toEqual([]);
  return body;
}

const get = (url: string, method = "GET") => new Request(`http://localhost${url}`, { method });
const list = (request = get("/api/collectivites")) =>
  listLoader({ request, params: {}, context: testLoadContext() }) as Promise<Response>;
const byCog = (codeCog: string, method = "GET") =>
  collectivityLoader({
    request: get(`/api/collectivites/${codeCog}`, method),
    params: { codeCog },
    context: testLoadContext(),
  }) as Promise<Response>;

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedDemo(handle.db);
  // French order must not depend on the database collation; a CCAS shares Angers' code.
  await handle.db.insert(collectivities).values([
    { name: "Évry-Courcouronnes", siret: "21910228500011", codeCog: "91228", departement: "91" },
    { name: "CCAS d'Angers", siret: "26490007900011", codeCog: "49007", departement: "49" },
  ]);
  useDatabaseHandle(handle);
  const document = parse(await readFile(OPENAPI_FILE, "utf8")) as Json;
  await SwaggerParser.validate(structuredClone(document) as never);
  spec = (await SwaggerParser.dereference(document as never)) as unknown as OpenApi;
});
afterAll(() => handle.close());

describe("GET /api/collectivites", () => {
  it("lists active collectivities only, in French alphabetical order, in the reference shape", async () => {
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await expectConforms("/api/collectivites", "get", response)) as Json[];
    expect(body.map((c) => c.name)).toEqual([
      "Ajaccio",
      "Angers",
      "Besançon",
      "CCAS d'Angers",
      "Évry-Courcouronnes",
      "Nantes",
      "Pau",
      "Rennes",
    ]);
    expect(body.find((c) => c.name === "Quimper")).toBeUndefined();
    expect(body[0]).toEqual({ name: "Ajaccio", siret: "21200004000015", code_cog: "2A004" });
  });

  it("is open to every origin and cacheable five minutes", async () => {
    const response = await list();
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("answers a CORS preflight", async () => {
    const response = await list(get("/api/collectivites", "OPTIONS"));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("GET");
    expect(Number(response.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(await response.text()).toBe("");
  });
});

describe("GET /api/collectivites/{code_cog}", () => {
  it("returns the active collectivity, the commune before its CCAS", async () => {
    const response = await byCog("49007");
    expect(response.status).toBe(200);
    expect(await expectConforms("/api/collectivites/{code_cog}", "get", response)).toEqual({
      name: "Angers",
      siret: "21490007900010",
      code_cog: "49007",
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await (await byCog("2A004")).json()).toMatchObject({ name: "Ajaccio" });
  });

  it.each([
    ["an inactive collectivity", "29232"],
    ["an unknown code", "01001"],
    ["a lower-case Corsican code", "2a004"],
    ["a malformed code", "abc"],
    ["a too long code", "490071"],
  ])("answers the reference's exact 404 body for %s", async (_case, code) => {
    const response = await byCog(code);
    expect(response.status).toBe(404);
    await expectConforms("/api/collectivites/{code_cog}", "get", response);
    expect(await response.text()).toBe('{"error":"Collectivity not found"}');
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers a CORS preflight", async () => {
    const response = await byCog("49007", "OPTIONS");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("OpenAPI description", () => {
  it("the conformance check itself catches a body that drifts from the spec", () => {
    const validate = validatorFor("/api/collectivites", "get", 200);
    expect(validate([{ name: "Angers", siret: "21490007900010", code_cog: "49007" }])).toBe(true);
    expect(validate([{ name: "Angers", siret: "21490007900010", code_cog: "49007", status: "active" }])).toBe(false);
    expect(validate([{ name: "Angers", siret: "2149", code_cog: "49007" }])).toBe(false);
  });

  it("is served as JSON and as YAML, open to other origins", async () => {
    const json = (await openApiJsonLoader()) as Response;
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(json.headers.get("access-control-allow-origin")).toBe("*");
    const served = (await json.json()) as Json;
    expect(served).toEqual(parse(await readFile(OPENAPI_FILE, "utf8")));
    expect(Object.keys(served.paths as Json)).toEqual([
      "/api/collectivites",
      "/api/collectivites/{code_cog}",
      "/api/datapass/webhook",
    ]);
    const yaml = (await openApiYamlLoader()) as Response;
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(await yaml.text()).toMatch(/^openapi: 3\.0\.\d/);
  });
});
