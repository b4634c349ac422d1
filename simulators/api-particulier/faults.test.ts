import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import type { RequestLogEntry } from "./index.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import { FC_TEST_USER_IDENTITY } from "./testing/fake-franceconnect.ts";
import { DINUM_SIRET, errorCodes, getJson, postJson, qfQuery, sleep } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const token = DEMO_COMMUNES[4]!.apiParticulierToken;
const person: QfRequestParams = {
  nomNaissance: "SYNTHFAULT",
  prenoms: ["ZOE"],
  anneeDateNaissance: "1990",
  sexeEtatCivil: "F",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "35238",
};

describe("fault injection", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const identite = (bearer = token, init: RequestInit = {}) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...person })}`, bearer, init);
  const franceConnect = () =>
    getJson(
      `${ctx.server.qfUrl}/france_connect?recipient=${DINUM_SIRET}`,
      ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY }),
    );
  const addFault = (rule: Record<string, unknown>) => postJson(`${ctx.server.adminUrl}/faults`, rule);

  beforeAll(async () => {
    ctx = await startSimulator();
  });
  afterEach(async () => {
    await fetch(`${ctx.server.adminUrl}/faults`, { method: "DELETE" });
  });
  afterAll(() => ctx.server.close());

  it("adds latency", async () => {
    expect((await addFault({ latencyMs: 300 })).status).toBe(201);
    const response = await identite();
    expect(response.status).toBe(200);
    expect(response.durationMs).toBeGreaterThanOrEqual(290);
  });

  it("answers 502 37999 for a ratio of 1", async () => {
    await addFault({ errorRatio: 1, errorStatuses: [502] });
    const response = await identite();
    expect(response.status).toBe(502);
    expect(errorCodes(response.body)).toEqual(["37999"]);
  });

  it("answers 504 37002 with meta.retry_in", async () => {
    await addFault({ errorRatio: 1, errorStatuses: [504] });
    const response = await franceConnect();
    expect(response.status).toBe(504);
    const error = (response.body as { errors: Array<{ code: string; meta: { retry_in: number } }> }).errors[0]!;
    expect(error.code).toBe("37002");
    expect(error.meta.retry_in).toBeGreaterThan(0);
  });

  it("targets one route with a path regex, after the token and parameter checks", async () => {
    await addFault({ route: "france_connect$", errorRatio: 1, errorStatuses: [502] });
    expect((await identite()).status).toBe(200);
    expect((await franceConnect()).status).toBe(502);
    await addFault({ errorRatio: 1, errorStatuses: [502] });
    expect((await identite("unknown-token")).status).toBe(401);
  });

  it("never answers under a timeout fault, so clients need their own timeout", async () => {
    await addFault({ timeoutRatio: 1 });
    await expect(identite(token, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    await sleep(50); // let the server see the client go
    const log = (await getJson(`${ctx.server.adminUrl}/requests?limit=1`)).body as { requests: RequestLogEntry[] };
    expect(log.requests[0]).toMatchObject({ status: null, outcome: "no_answer" });
  });

  it("lists and clears the rules", async () => {
    await addFault({ latencyMs: 10, durationMs: 60_000 });
    const listed = (await getJson(`${ctx.server.adminUrl}/faults`)).body as { faults: Array<{ latencyMs: number }> };
    expect(listed.faults).toHaveLength(1);
    expect(listed.faults[0]!.latencyMs).toBe(10);
    expect((await addFault({ errorRatio: 2 })).status).toBe(400);
    await fetch(`${ctx.server.adminUrl}/faults`, { method: "DELETE" });
    expect(((await getJson(`${ctx.server.adminUrl}/faults`)).body as { faults: unknown[] }).faults).toEqual([]);
  });
});

describe("network jitter fault", () => {
  let draws: number[] = [];
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const identite = (bearer = token) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...person })}`, bearer);
  const addFault = (rule: Record<string, unknown>) => postJson(`${ctx.server.adminUrl}/faults`, rule);
  const arrivals = async (bearer: string) =>
    ((await getJson(`${ctx.server.adminUrl}/arrivals?token=${bearer}`)).body as { arrivals: number[] }).arrivals;
  const newToken = async (rateLimitPerSecond: number) =>
    (
      (await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: ALL_QF_SCOPES, rateLimitPerSecond })).body as {
        token: string;
      }
    ).token;

  beforeAll(async () => {
    // Scripted draws: each jittered request takes the next one (0 when none is left).
    ctx = await startSimulator({ random: () => draws.shift() ?? 0 });
  });
  afterEach(async () => {
    draws = [];
    await fetch(`${ctx.server.adminUrl}/faults`, { method: "DELETE" });
  });
  afterAll(() => ctx.server.close());

  it("delays a request before it is counted as arrived", async () => {
    const bearer = await newToken(100);
    expect((await addFault({ jitterMs: 300 })).status).toBe(201);
    draws = [0.9999]; // the top of the range: 300 ms
    const sentAt = Date.now();
    const response = await identite(bearer);
    expect(response.status).toBe(200);
    expect(response.durationMs).toBeGreaterThanOrEqual(290);
    const [arrivedAt] = await arrivals(bearer);
    expect(arrivedAt! - sentAt).toBeGreaterThanOrEqual(299);
  });

  it("injects no error with a jitter-only rule, and does not hide a later error rule", async () => {
    await addFault({ jitterMs: 20 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => identite()));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await addFault({ errorRatio: 1, errorStatuses: [502] });
    draws = [0, 0, 0]; // jitter 0, then the error ratio and status draws
    expect((await identite()).status).toBe(502);
  });

  it("keeps the rest of the rule after the token checks", async () => {
    await addFault({ jitterMs: 100, errorRatio: 1, errorStatuses: [502] });
    draws = [0.9999];
    const unknown = await identite("unknown-token");
    expect(unknown.status).toBe(401);
    expect(unknown.durationMs).toBeGreaterThanOrEqual(90);
    expect((await identite()).status).toBe(502);
  });

  it("bunches requests a client paced correctly, so the limit catches them", async () => {
    const bearer = await newToken(1);
    await addFault({ jitterMs: 800 });
    draws = [0.9999, 0]; // the first crosses the network in 800 ms, the second at once
    expect((await identite(bearer)).status).toBe(200);
    await sleep(300); // sent at least 1.1 s after the first, they arrive about 0.3 s apart
    expect((await identite(bearer)).status).toBe(429);
    const [first, second] = await arrivals(bearer);
    expect(second! - first!).toBeLessThan(1000);
  });
});
