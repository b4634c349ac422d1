import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QfRequestParams } from "./civility-params.ts";
import type { ApiParticulierStats } from "./index.ts";
import { ALL_QF_SCOPES } from "./scopes.ts";
import { DINUM_SIRET, getJson, postJson, qfQuery } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const person: QfRequestParams = {
  nomNaissance: "SYNTHDENSE",
  prenoms: ["MAX"],
  anneeDateNaissance: "1975",
  sexeEtatCivil: "M",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "49007",
};
const T0 = Date.parse("2025-03-03T09:00:00.000Z");

describe("per-token traffic report, on a fake clock", () => {
  let clock = T0;
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const callAt = async (ms: number, token: string) => {
    clock = T0 + ms;
    return getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...person })}`, token);
  };
  const stats = async () => (await getJson(`${ctx.server.adminUrl}/stats`)).body as ApiParticulierStats;
  const arrivals = async (token: string) =>
    (await getJson(`${ctx.server.adminUrl}/arrivals?token=${encodeURIComponent(token)}`)).body as {
      arrivals: number[];
    };
  const newToken = async (rateLimitPerSecond: number) =>
    (
      (await postJson(`${ctx.server.adminUrl}/tokens`, { scopes: ALL_QF_SCOPES, rateLimitPerSecond })).body as {
        token: string;
      }
    ).token;

  beforeAll(async () => {
    ctx = await startSimulator({ now: () => clock });
  });
  afterAll(() => ctx.server.close());

  it("finds the densest sliding second: first ≤ arrival < first + 1000 ms", async () => {
    const token = await newToken(100);
    // Windows by first arrival: 0 → 4 (1000 is out), 100 → 5, 900 → 4, 999 → 3 (1999 is out), 1000 → 3.
    const offsets = [0, 100, 900, 999, 1000, 1050, 1999, 2500];
    for (const ms of offsets) expect((await callAt(ms, token)).status).toBe(200);
    const report = await stats();
    expect(report.tokens[token]).toMatchObject({
      total: offsets.length,
      maxPerSecond: 5,
      densestWindow: { count: 5, startAt: new Date(T0 + 100).toISOString() },
      callsDuringRetryAfter: 0,
      retryAfterViolations: [],
      rateLimited: 0,
    });
    expect(report.totals.maxPerSecond).toBeGreaterThanOrEqual(5);
    expect(await arrivals(token)).toEqual({ arrivals: offsets.map((ms) => T0 + ms) });
  });

  it("counts refused arrivals in the densest window and in the arrival times", async () => {
    const token = await newToken(2);
    const offsets = [5000, 5001, 5002];
    const statuses = [];
    for (const ms of offsets) statuses.push((await callAt(ms, token)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await stats()).tokens[token]!.densestWindow).toEqual({
      count: 3,
      startAt: new Date(T0 + 5000).toISOString(),
    });
    expect((await arrivals(token)).arrivals).toEqual(offsets.map((ms) => T0 + ms));
  });

  it("answers an empty list for an unknown token, 400 without one, and forgets everything on reset", async () => {
    expect(await arrivals("never-seen")).toEqual({ arrivals: [] });
    expect((await getJson(`${ctx.server.adminUrl}/arrivals`)).status).toBe(400);
    const token = await newToken(100);
    await callAt(9000, token);
    expect((await arrivals(token)).arrivals).toEqual([T0 + 9000]);
    expect((await postJson(`${ctx.server.adminUrl}/reset`, {})).status).toBe(204);
    expect(await arrivals(token)).toEqual({ arrivals: [] });
    expect((await stats()).tokens).toEqual({});
  });

  it("reports a lone arrival as a window of one", async () => {
    const token = await newToken(100);
    await callAt(20_000, token);
    expect((await stats()).tokens[token]).toMatchObject({
      maxPerSecond: 1,
      densestWindow: { count: 1, startAt: new Date(T0 + 20_000).toISOString() },
    });
  });
});
