import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import { createApiParticulierSimulator, type ApiParticulierStats, type RequestLogEntry } from "./index.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import { FakeFranceConnect, FC_TEST_USER_IDENTITY } from "./testing/fake-franceconnect.ts";
import { DINUM_SIRET, getJson, postJson, qfQuery } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";
import { startTestServer } from "./testing/start-test-server.ts";

const token = DEMO_COMMUNES[0]!.apiParticulierToken;
const family = (nomNaissance: string): QfRequestParams => ({
  nomNaissance,
  prenoms: ["Éloïse"],
  anneeDateNaissance: "1988",
  moisDateNaissance: "7",
  sexeEtatCivil: "F",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "49007",
});

describe("admin API", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const call = (params: QfRequestParams, bearer = token) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...params })}`, bearer);
  const stats = async () => (await getJson(`${ctx.server.adminUrl}/stats`)).body as ApiParticulierStats;

  beforeAll(async () => {
    ctx = await startSimulator();
  });
  afterAll(() => ctx.server.close());

  it("adds tokens with scopes, for tests", async () => {
    const created = await postJson(`${ctx.server.adminUrl}/tokens`, {
      token: "test-enfants-seulement",
      label: "test",
      scopes: ["cnaf_enfants"],
    });
    expect(created.status).toBe(201);
    const response = await call(family("SYNTHADMIN"), "test-enfants-seulement");
    expect(Object.keys((response.body as { data: object }).data)).toEqual(["enfants"]);
    const generated = await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: ALL_QF_SCOPES });
    expect((generated.body as { token: string }).token).toMatch(/^test-api-particulier-/);
    expect((await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: "all" })).status).toBe(400);
    const listed = (await getJson(`${ctx.server.adminUrl}/tokens`)).body as { tokens: Array<{ token: string }> };
    expect(listed.tokens.map((t) => t.token)).toEqual(expect.arrayContaining([token, "test-enfants-seulement"]));
  });

  it("counts calls per identity with a stable key, whatever the spelling", async () => {
    await call(family("SYNTHUNIQUE"));
    await call(family("SYNTHDOUBLE"));
    await call({ ...family("synthdouble"), prenoms: ["ELOISE"], moisDateNaissance: "07" });
    const fc = ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY });
    await getJson(`${ctx.server.qfUrl}/france_connect?recipient=${DINUM_SIRET}`, fc);
    await call({ ...family("SYNTHINVALIDE"), sexeEtatCivil: "X" }); // refused before the provider: not counted
    const { identities, tokens } = await stats();
    expect(identities["SYNTHUNIQUE|ELOISE|1988-07-??|F"]).toEqual({ calls: 1, byStatus: { "200": 1 } });
    expect(identities["SYNTHDOUBLE|ELOISE|1988-07-??|F"]).toEqual({ calls: 2, byStatus: { "200": 2 } });
    expect(identities["DUBOIS|ANGELA CLAIRE LOUISE|1962-08-24|F"]?.calls).toBe(1);
    expect(Object.keys(identities).some((k) => k.startsWith("SYNTHINVALIDE"))).toBe(false);
    expect(tokens[fc]).toMatchObject({ kind: "franceconnect", label: "FranceConnect test", total: 1 });
    expect(tokens[token]).toMatchObject({ kind: "api_particulier", label: "Commune : Angers" });
  });

  it("keeps a bounded request log, filterable by token", async () => {
    const response = await getJson(`${ctx.server.adminUrl}/requests?limit=2&token=${token}`);
    const entries = (response.body as { requests: RequestLogEntry[] }).requests;
    expect(entries).toHaveLength(2);
    expect(entries.at(-1)).toMatchObject({ route: "identite", token, status: 422, outcome: "invalid_params" });
    expect(entries[0]!.outcome).toBe("synthetic");
  });

  it("has no in-flight grace to set: the rate-limit settings refuse banGraceMs", async () => {
    const settings = (await getJson(`${ctx.server.adminUrl}/rate-limit`)).body;
    expect(settings).toEqual({ perSecond: 1000, banSeconds: 12 * 3600 });
    expect((await postJson(`${ctx.server.adminUrl}/rate-limit`, { banGraceMs: 0 })).status).toBe(400);
    expect((await stats()).rateLimit).toEqual({ perSecond: 1000, banSeconds: 12 * 3600, window: "sliding-1s" });
  });

  it("lists the FranceConnect users' fixtures", async () => {
    const body = (await getJson(`${ctx.server.adminUrl}/fc-users`)).body as Record<string, unknown>;
    expect(body).toMatchObject({ qf4270Login: "test", notFoundLogin: "plusieurs_prénoms_2", syntheticPrefix: "SYNTH" });
  });

  it("reset clears counters, bans and faults and restores the demo tokens", async () => {
    await postJson(`${ctx.server.adminUrl}/faults`, { errorRatio: 1 });
    expect((await postJson(`${ctx.server.adminUrl}/reset`, {})).status).toBe(204);
    expect((await call(family("SYNTHRESET"), "test-enfants-seulement")).status).toBe(401);
    expect((await call(family("SYNTHRESET"))).status).toBe(200);
    const after = await stats();
    expect(after.totals.calls).toBe(2);
    expect(Object.keys(after.identities)).toEqual(["SYNTHRESET|ELOISE|1988-07-??|F"]);
  });
});

describe("snapshot / restore", () => {
  it("carries added tokens, settings, bans and counters over to a new simulator", async () => {
    const franceConnect = new FakeFranceConnect();
    const options = { introspectFranceConnectToken: franceConnect.introspect, rateLimitPerSecond: 20 };
    const first = await createApiParticulierSimulator(options);
    first.addToken({ token: "persisted", scopes: ALL_QF_SCOPES, rateLimitPerSecond: 1 });
    first.setRateLimit({ perSecond: 7 });
    const server = await startTestServer(first);
    const call = () =>
      getJson(`${server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...family("SYNTHSNAP") })}`, "persisted");
    await call();
    await call(); // 429
    await call(); // banned
    await server.close();
    const saved = JSON.parse(JSON.stringify(first.snapshot()));

    const second = await createApiParticulierSimulator(options);
    second.restore(saved);
    expect(second.tokens().find((t) => t.token === "persisted")).toMatchObject({ rateLimitPerSecond: 1, demo: false });
    const report = second.stats();
    expect(report.rateLimit.perSecond).toBe(7);
    expect(report.tokens.persisted).toMatchObject({
      total: 3,
      tooManyRequests: 2,
      rateLimited: 1,
      callsDuringRetryAfter: 1,
      densestWindow: { count: 3 },
      banned: true,
    });
    expect(report.tokens.persisted!.retryAfterViolations).toHaveLength(1);
    expect(report.identities["SYNTHSNAP|ELOISE|1988-07-??|F"]?.calls).toBe(1);

    second.restore({ version: 0 }); // unknown shape: ignored
    expect(second.stats().tokens.persisted?.total).toBe(3);
  });

  it("restores a snapshot saved with the old in-flight grace, without the grace", async () => {
    const franceConnect = new FakeFranceConnect();
    const simulator = await createApiParticulierSimulator({
      introspectFranceConnectToken: franceConnect.introspect,
      rateLimitPerSecond: 20,
    });
    const bannedUntil = Date.now() + 3600_000;
    simulator.restore({
      version: 1,
      settings: { perSecond: 9, banSeconds: 600, banGraceMs: 200 },
      customTokens: [],
      bans: [{ token: "old", bannedUntil }],
      traffic: {
        totals: { calls: 4, maxPerSecond: 4, byStatus: { "200": 3, "429": 1 } },
        tokens: {
          old: {
            kind: "api_particulier",
            label: null,
            total: 4,
            maxPerSecond: 4,
            tooManyRequests: 1,
            byStatus: { "200": 3, "429": 1 },
            lastSeenAt: "2025-03-03T09:00:00.000Z",
          },
        },
        identities: {},
      },
    });
    const report = simulator.stats();
    expect(report.rateLimit).toEqual({ perSecond: 9, banSeconds: 600, window: "sliding-1s" });
    expect(report.tokens.old).toMatchObject({
      maxPerSecond: 4,
      densestWindow: { count: 4, startAt: null },
      rateLimited: 0,
      callsDuringRetryAfter: 0,
      retryAfterViolations: [],
      banned: true,
      bannedUntil: new Date(bannedUntil).toISOString(),
    });
    expect(simulator.snapshot().settings).toEqual({ perSecond: 9, banSeconds: 600 });
  });
});
