import { readFile } from "node:fs/promises";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import {
  DEMO_TOKEN_BLACKLISTED,
  DEMO_TOKEN_EXPIRED,
  DEMO_TOKEN_QF_VALUE_ONLY,
  DEMO_TOKEN_WITHOUT_QF_SCOPE,
} from "./demo-tokens.ts";
import { FC_NOT_FOUND_LOGIN } from "./fc-user-fixtures.ts";
import { FRANCE_CONNECT_PATH } from "./france-connect-route.ts";
import { IDENTITE_PATH } from "./identite-route.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import { FC_TEST_USER_IDENTITY } from "./testing/fake-franceconnect.ts";
import { DINUM_SIRET, getJson, postJson, qfQuery, type QfResponse } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

type Json = Record<string, unknown>;
interface OperationResponses {
  [status: string]: { content: { "application/json": { schema: Json; examples?: Record<string, { value: Json }> } } };
}

const SPEC_URL = new URL("./openapi/api_particulier.yaml", import.meta.url);
const token = DEMO_COMMUNES[0]!.apiParticulierToken;
const synthetic: QfRequestParams = {
  nomNaissance: "SYNTHCONTRAT",
  prenoms: ["ALICE", "JEANNE"],
  anneeDateNaissance: "1979",
  moisDateNaissance: "12",
  sexeEtatCivil: "F",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "2A004",
};

/** The two QF operations of the official spec, dereferenced. */
async function loadQfOperations(): Promise<Record<string, OperationResponses>> {
  const spec = parse(await readFile(SPEC_URL, "utf8")) as Json & { paths: Json };
  const api = (await SwaggerParser.dereference({
    ...spec,
    // Only the QF paths: dereferencing the whole API would be slow and is not needed.
    paths: {
      [`/v3/dss/quotient_familial/identite`]: spec.paths[IDENTITE_PATH],
      [FRANCE_CONNECT_PATH]: spec.paths[FRANCE_CONNECT_PATH],
    },
  } as never)) as unknown as { paths: Record<string, { get: { responses: OperationResponses } }> };
  return {
    identite: api.paths[IDENTITE_PATH]!.get.responses,
    france_connect: api.paths[FRANCE_CONNECT_PATH]!.get.responses,
  };
}

/**
 * Production drops the keys of scopes the token lacks, which the spec says it does not
 * model ("La documentation ci-dessous ne prend pas en compte les scopes"): for such
 * answers the data keys are validated but not required.
 */
function withoutRequiredDataKeys(schema: Json): Json {
  const copy = structuredClone(schema) as { properties: { data: Json } };
  delete copy.properties.data.required;
  return copy as unknown as Json;
}

describe("contract: answers conform to api_particulier.yaml", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  let operations: Record<string, OperationResponses>;
  // OpenAPI 3.0 `nullable` is understood by Ajv 8 natively; strict:false lets the
  // OpenAPI-only keywords (example, x-…) through.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();

  function expectConforms(
    route: "identite" | "france_connect",
    response: QfResponse,
    options: { partialData?: boolean } = {},
  ) {
    const spec = operations[route]![String(response.status)];
    expect(spec, `status ${response.status} documented for ${route}`).toBeDefined();
    const media = spec!.content["application/json"];
    const key = `${route}:${response.status}:${options.partialData ? "partial" : "full"}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(options.partialData ? withoutRequiredDataKeys(media.schema) : media.schema);
      validators.set(key, validate);
    }
    const valid = validate(response.body);
    expect(validate.errors ?? [], JSON.stringify(response.body)).toEqual([]);
    expect(valid).toBe(true);
    // Where the spec shows an example for the same code, the title must be the same.
    for (const error of (response.body as { errors?: Array<{ code: string; title: string }> }).errors ?? []) {
      const examples = Object.values(media.examples ?? {}).flatMap(
        (e) => (e.value as { errors: Array<{ code: string; title: string }> }).errors,
      );
      const sameCode = examples.filter((e) => e.code === error.code);
      if (sameCode.length > 0) expect(sameCode.map((e) => e.title)).toContain(error.title);
    }
  }

  const identite = (params: Json, bearer: string | undefined = token) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery(params as QfRequestParams)}`, bearer);
  const franceConnect = (bearer: string, query = `recipient=${DINUM_SIRET}`) =>
    getJson(`${ctx.server.qfUrl}/france_connect?${query}`, bearer);

  beforeAll(async () => {
    [ctx, operations] = await Promise.all([startSimulator(), loadQfOperations()]);
  });
  afterAll(() => ctx.server.close());

  it("the schema check itself catches a wrong body", async () => {
    const valid = (await identite({ recipient: DINUM_SIRET, ...synthetic })).body as { data: Json };
    const validate = ajv.compile(operations.identite!["200"]!.content["application/json"].schema);
    expect(validate(valid)).toBe(true);
    const wrongType = structuredClone(valid) as { data: { quotient_familial: { valeur: unknown } } };
    wrongType.data.quotient_familial.valeur = "1200";
    expect(validate(wrongType)).toBe(false);
    expect(validate({ ...valid, data: { ...valid.data, extra: true } })).toBe(false);
    expect(validate({ ...valid, data: { ...valid.data, enfants: undefined } })).toBe(false);
  });

  it("identite: every staging case as served", async () => {
    for (const staging of ctx.simulator.fixtures.cases.filter((c) => c.folder === "with-civility")) {
      expectConforms("identite", await identite({ recipient: DINUM_SIRET, ...staging.params }));
    }
  });

  it("identite: synthetic 200, scope-filtered 200 and every error the simulator makes", async () => {
    const ok = { recipient: DINUM_SIRET, ...synthetic };
    expectConforms("identite", await identite(ok));
    expectConforms("identite", await identite(ok, DEMO_TOKEN_QF_VALUE_ONLY), { partialData: true });
    for (const bearer of [
      undefined,
      "unknown",
      DEMO_TOKEN_EXPIRED,
      DEMO_TOKEN_BLACKLISTED,
      DEMO_TOKEN_WITHOUT_QF_SCOPE,
    ]) {
      expectConforms("identite", await identite(ok, bearer));
    }
    for (const params of [
      { ...synthetic },
      { ...ok, recipient: "123" },
      { ...ok, sexeEtatCivil: "N", prenoms: ["A", "B", "C", "D"] },
      { ...ok, annee: "2001" },
      { ...ok, nomNaissance: "INCONNU" },
    ]) {
      expectConforms("identite", await identite(params));
    }
    for (const status of [502, 504]) {
      await postJson(`${ctx.server.adminUrl}/faults`, { errorRatio: 1, errorStatuses: [status] });
      expectConforms("identite", await identite(ok));
      await fetch(`${ctx.server.adminUrl}/faults`, { method: "DELETE" });
    }
  });

  it("identite: 429 at the limit and when banned", async () => {
    const limited = (
      (await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: ALL_QF_SCOPES, rateLimitPerSecond: 1 })).body as {
        token: string;
      }
    ).token;
    const ok = { recipient: DINUM_SIRET, ...synthetic };
    await identite(ok, limited);
    expectConforms("identite", await identite(ok, limited));
    expectConforms("identite", await identite(ok, limited)); // banned: called before Retry-After
  });

  it("france_connect: staging cases, mapped users and errors", async () => {
    expectConforms("france_connect", await franceConnect("cnaf_qfv2"));
    expectConforms(
      "france_connect",
      await franceConnect(ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY })),
    );
    const scope = ["openid", "identite_pivot", "cnaf_quotient_familial"];
    expectConforms(
      "france_connect",
      await franceConnect(ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY, scope })),
      { partialData: true },
    );
    const synthIdentity = { ...FC_TEST_USER_IDENTITY, family_name: "SYNTHCONTRAT" };
    expectConforms(
      "france_connect",
      await franceConnect(ctx.franceConnect.issue({ login: "x", identity: synthIdentity })),
    );
    const notFound = ctx.franceConnect.issue({ login: FC_NOT_FOUND_LOGIN, identity: FC_TEST_USER_IDENTITY });
    expectConforms("france_connect", await franceConnect(notFound));
    expectConforms("france_connect", await franceConnect("unknown"));
    const expired = ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY, expiresInSeconds: -1 });
    expectConforms("france_connect", await franceConnect(expired));
    const noPivot = ctx.franceConnect.issue({
      login: "test",
      identity: FC_TEST_USER_IDENTITY,
      scope: ["cnaf_enfants"],
    });
    expectConforms("france_connect", await franceConnect(noPivot));
    const noQf = ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY, scope: ["identite_pivot"] });
    expectConforms("france_connect", await franceConnect(noQf));
    const valid = ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY });
    expectConforms("france_connect", await franceConnect(valid, ""));
  });
});
