import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import { DEMO_TOKEN_WITHOUT_QF_SCOPE } from "./demo-tokens.ts";
import type { ApiParticulierStats } from "./index.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import { DINUM_SIRET, errorCodes, getJson, postJson, qfQuery, sleep, type QfResponse } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const person: QfRequestParams = {
  nomNaissance: "SYNTHRATE",
  prenoms: ["PAUL"],
  anneeDateNaissance: "1970",
  sexeEtatCivil: "M",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "49007",
};

function expectRateLimitHeaders(response: QfResponse) {
  expect(response.headers.get("ratelimit-limit")).toMatch(/^\d+$/);
  expect(response.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
  // A Unix timestamp in seconds, within the next few seconds (or the ban's end).
  const reset = Number(response.headers.get("ratelimit-reset"));
  expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
}

describe("rate limit", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const call = (token: string, params: Record<string, unknown> = person) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...params })}`, token);
  const stats = async () => (await getJson(`${ctx.server.adminUrl}/stats`)).body as ApiParticulierStats;
  const newToken = async (rateLimitPerSecond?: number) =>
    (
      (await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: ALL_QF_SCOPES, rateLimitPerSecond })).body as {
        token: string;
      }
    ).token;

  beforeAll(async () => {
    ctx = await startSimulator({ rateLimitPerSecond: 20 });
  });
  afterAll(() => ctx.server.close());

  it("puts RateLimit-* headers on every kind of answer", async () => {
    const token = DEMO_COMMUNES[0]!.apiParticulierToken;
    const answers = [
      await call(token),
      await call("unknown-token"),
      await call(DEMO_TOKEN_WITHOUT_QF_SCOPE),
      await call(token, { ...person, sexeEtatCivil: "X" }),
      await call(token, { ...person, nomNaissance: "INCONNU" }),
      await getJson(`${ctx.server.qfUrl}/france_connect?recipient=${DINUM_SIRET}`, "fc-unknown"),
    ];
    await postJson(`${ctx.server.adminUrl}/faults`, { errorRatio: 1, errorStatuses: [504] });
    answers.push(await call(token));
    await fetch(`${ctx.server.adminUrl}/faults`, { method: "DELETE" });
    expect(answers.map((a) => a.status)).toEqual([200, 401, 403, 422, 404, 401, 504]);
    for (const answer of answers) expectRateLimitHeaders(answer);
    expect(answers[0]!.headers.get("ratelimit-limit")).toBe("20");
    expect(answers[0]!.headers.get("ratelimit-remaining")).toBe("19");
  });

  it("answers 429 00429 with Retry-After at the limit, then serves again once it has elapsed", async () => {
    const token = await newToken(3);
    const first = [await call(token), await call(token), await call(token)];
    expect(first.map((r) => r.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0"]);
    const limited = await call(token);
    expect(limited.status).toBe(429);
    expect(errorCodes(limited.body)).toEqual(["00429"]);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    const retryAfter = limited.headers.get("retry-after");
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    await sleep(Number(retryAfter) * 1000 + 50);
    expect((await call(token)).status).toBe(200);
    const tokenStats = (await stats()).tokens[token]!;
    expect(tokenStats).toMatchObject({ total: 5, tooManyRequests: 1, banned: false });
  });

  it("holds requests already in flight against the client: the API documents no grace", async () => {
    const token = await newToken(1);
    const burst = await Promise.all([call(token), call(token), call(token)]);
    expect(burst.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    const report = (await stats()).tokens[token]!;
    expect(report).toMatchObject({ banned: true, rateLimited: 1, callsDuringRetryAfter: 1 });
    expect(report.retryAfterViolations).toHaveLength(1);
    expect(report.retryAfterViolations[0]!.msAfter429).toBeLessThan(1000);
    expect((await call(token)).status).toBe(429); // still banned, long after Retry-After would have elapsed
  });

  it("bans a client that calls again before Retry-After has elapsed, and reports it", async () => {
    const token = await newToken(2);
    await call(token);
    await call(token);
    const limited = await call(token);
    expect(limited.status).toBe(429);
    const banned = await call(token); // well before Retry-After (1 s)
    expect(banned.status).toBe(429);
    expect(errorCodes(banned.body)).toEqual(["00429"]);
    expect(Number(banned.headers.get("retry-after"))).toBeGreaterThan(11 * 3600);
    expectRateLimitHeaders(banned);

    await sleep(1100); // Retry-After is long gone: still banned
    expect((await call(token)).status).toBe(429);
    const report = await stats();
    expect(report.tokens[token]).toMatchObject({ banned: true, tooManyRequests: 3, callsDuringRetryAfter: 2 });
    expect(Date.parse(report.tokens[token]!.bannedUntil!)).toBeGreaterThan(Date.now() + 11 * 3600 * 1000);
    expect(report.bans.map((b) => b.token)).toContain(token);
    expect((await call(DEMO_COMMUNES[1]!.apiParticulierToken)).status).toBe(200); // other tokens unaffected

    await fetch(`${ctx.server.adminUrl}/bans`, { method: "DELETE" });
    expect((await call(token)).status).toBe(200);
    expect((await stats()).tokens[token]!.banned).toBe(false);
  });

  it("reports the highest number of requests in any sliding second", async () => {
    const token = await newToken(100);
    for (let i = 0; i < 3; i++) await call(token);
    await sleep(400);
    for (let i = 0; i < 3; i++) await call(token);
    await sleep(1100);
    await call(token);
    expect((await stats()).tokens[token]).toMatchObject({ total: 7, maxPerSecond: 6, densestWindow: { count: 6 } });
  });

  it("changes the limit at runtime through the admin API", async () => {
    const token = DEMO_COMMUNES[3]!.apiParticulierToken;
    const settings = await postJson(`${ctx.server.adminUrl}/rate-limit`, { perSecond: 5 });
    expect(settings.body).toMatchObject({ perSecond: 5 });
    expect((await call(token)).headers.get("ratelimit-limit")).toBe("5");
    expect((await postJson(`${ctx.server.adminUrl}/rate-limit`, { perSecond: 0 })).status).toBe(400);
    await postJson(`${ctx.server.adminUrl}/reset`, {});
    expect((await call(token)).headers.get("ratelimit-limit")).toBe("20");
  });
});
