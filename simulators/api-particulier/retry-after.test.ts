import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { QfRequestParams } from "./civility-params.ts";
import type { ApiParticulierStats, RequestLogEntry } from "./index.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import { FC_TEST_USER_IDENTITY } from "./testing/fake-franceconnect.ts";
import { DINUM_SIRET, errorCodes, getJson, postJson, qfQuery } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const person: QfRequestParams = {
  nomNaissance: "SYNTHRETRY",
  prenoms: ["LEA"],
  anneeDateNaissance: "1981",
  sexeEtatCivil: "F",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "49007",
};
const T0 = Date.parse("2025-03-03T09:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const TWELVE_HOURS_MS = 12 * 3600 * 1000;

/**
 * On a fake clock, so that "1 ms after the 429" is exactly that: the simulator dates each
 * arrival with the clock when it reaches it.
 */
describe("Retry-After is binding, with no grace", () => {
  let clock = T0;
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const at = (ms: number) => {
    clock = T0 + ms;
  };
  const identite = (token: string) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...person })}`, token);
  const franceConnect = (token: string) =>
    getJson(`${ctx.server.qfUrl}/france_connect?recipient=${DINUM_SIRET}`, token);
  const stats = async () => (await getJson(`${ctx.server.adminUrl}/stats`)).body as ApiParticulierStats;
  const newToken = async (rateLimitPerSecond: number) =>
    (
      (await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: ALL_QF_SCOPES, rateLimitPerSecond })).body as {
        token: string;
      }
    ).token;
  const inject429 = (route: string) =>
    postJson(`${ctx.server.adminUrl}/faults`, { route, errorRatio: 1, errorStatuses: [429] });
  const clearFaults = () => fetch(`${ctx.server.adminUrl}/faults`, { method: "DELETE" });

  beforeAll(async () => {
    ctx = await startSimulator({ now: () => clock });
  });
  afterEach(clearFaults);
  afterAll(() => ctx.server.close());

  it("bans a token called 1 ms after a 429, before its Retry-After, and reports the call", async () => {
    const token = await newToken(1);
    at(0);
    expect((await identite(token)).status).toBe(200);
    at(10);
    const limited = await identite(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1"); // deadline: 1010
    at(11);
    const banned = await identite(token);
    expect(banned.status).toBe(429);
    expect(errorCodes(banned.body)).toEqual(["00429"]);
    expect(Number(banned.headers.get("retry-after"))).toBe(12 * 3600);

    const report = (await stats()).tokens[token]!;
    expect(report).toMatchObject({
      banned: true,
      bannedUntil: iso(T0 + 11 + TWELVE_HOURS_MS),
      tooManyRequests: 2,
      rateLimited: 1,
      callsDuringRetryAfter: 1,
      retryAfterViolations: [{ at: iso(T0 + 11), msAfter429: 1, retryAfterEndsAt: iso(T0 + 1010) }],
    });
    const log = (await getJson(`${ctx.server.adminUrl}/requests?token=${token}`)).body as {
      requests: RequestLogEntry[];
    };
    expect(log.requests.map((r) => r.outcome)).toEqual(["synthetic", "rate_limited", "banned_now"]);

    // The ban's answers carry a Retry-After too: calling during the ban extends it.
    at(5000);
    expect((await identite(token)).status).toBe(429);
    const extended = (await stats()).tokens[token]!;
    expect(extended.bannedUntil).toBe(iso(T0 + 5000 + TWELVE_HOURS_MS));
    expect(extended.callsDuringRetryAfter).toBe(2);
    expect(extended.rateLimited).toBe(1);
    expect(extended.retryAfterViolations[1]).toEqual({
      at: iso(T0 + 5000),
      msAfter429: 5000 - 11,
      retryAfterEndsAt: iso(T0 + 11 + TWELVE_HOURS_MS),
    });
  });

  it("serves a token that waits until Retry-After has elapsed", async () => {
    const token = await newToken(1);
    at(0);
    await identite(token);
    at(10);
    expect((await identite(token)).status).toBe(429);
    at(1010);
    expect((await identite(token)).status).toBe(200);
    expect((await stats()).tokens[token]).toMatchObject({
      banned: false,
      rateLimited: 1,
      callsDuringRetryAfter: 0,
      retryAfterViolations: [],
    });
  });

  it("holds an injected 429 against the client like a real one", async () => {
    const [hasty, patient] = [await newToken(100), await newToken(100)];
    await inject429("identite$");
    at(0);
    const injected = await identite(hasty);
    expect(injected.status).toBe(429);
    expect(injected.headers.get("retry-after")).toBe("1");
    expect((await identite(patient)).status).toBe(429);
    await clearFaults();

    at(999);
    expect((await identite(hasty)).status).toBe(429);
    at(1000);
    expect((await identite(patient)).status).toBe(200);
    const { tokens } = await stats();
    expect(tokens[hasty]).toMatchObject({
      banned: true,
      rateLimited: 1,
      callsDuringRetryAfter: 1,
      retryAfterViolations: [{ at: iso(T0 + 999), msAfter429: 999, retryAfterEndsAt: iso(T0 + 1000) }],
    });
    expect(tokens[patient]).toMatchObject({ banned: false, rateLimited: 1, callsDuringRetryAfter: 0 });
  });

  it("holds an injected 429 against a citizen's FranceConnect token too", async () => {
    const citizen = ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY });
    await inject429("france_connect$");
    at(0);
    expect((await franceConnect(citizen)).status).toBe(429);
    await clearFaults();
    at(1);
    expect((await franceConnect(citizen)).status).toBe(429);
    expect((await stats()).tokens[citizen]).toMatchObject({
      kind: "franceconnect",
      banned: true,
      callsDuringRetryAfter: 1,
      retryAfterViolations: [{ at: iso(T0 + 1), msAfter429: 1, retryAfterEndsAt: iso(T0 + 1000) }],
    });
  });
});
