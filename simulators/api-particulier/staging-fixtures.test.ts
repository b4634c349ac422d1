import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import { FixtureStore, type StagingCase } from "./fixture-store.ts";
import { getJson, qfQuery, DINUM_SIRET } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const store = await FixtureStore.load();
const civilityCases = store.cases.filter((c) => c.folder === "with-civility");
const franceConnectCases = store.cases.filter((c) => c.folder === "with-france-connect");
const communeToken = DEMO_COMMUNES[0]!.apiParticulierToken;

/** The FranceConnect pivot identity that leads to a FranceConnect-route case. */
function identityFor(params: QfRequestParams): Record<string, unknown> {
  const birthdate = params.anneeDateNaissance
    ? [params.anneeDateNaissance, params.moisDateNaissance ?? "0", params.jourDateNaissance ?? "0"]
        .map((part, i) => part.padStart(i === 0 ? 4 : 2, "0"))
        .join("-")
    : undefined;
  return {
    family_name: params.nomNaissance,
    given_name: params.prenoms?.join(" "),
    birthdate,
    gender: params.sexeEtatCivil === "F" ? "female" : "male",
    birthplace: params.codeCogInseeCommuneNaissance,
    birthcountry: params.codeCogInseePaysNaissance,
  };
}

describe("staging fixtures, replayed as staging serves them", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    ctx = await startSimulator();
  });
  afterAll(() => ctx.server.close());

  it("copied every case of both QF folders and the fake FranceConnect tokens", () => {
    expect(civilityCases).toHaveLength(27);
    expect(franceConnectCases).toHaveLength(14);
    expect([...store.fakeTokens.keys()].sort()).toEqual(["all_fc", "cnaf_qfv2"]);
  });

  it.each(civilityCases.map((c): [string, StagingCase] => [c.id, c]))("/identite %s", async (_id, staging) => {
    const response = await getJson(
      `${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...staging.params })}`,
      communeToken,
    );
    expect(response.status).toBe(staging.status);
    expect(response.body).toEqual(staging.body);
    if (staging.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it.each(franceConnectCases.map((c): [string, StagingCase] => [c.id, c]))(
    "/france_connect %s",
    async (id, staging) => {
      const token = ctx.franceConnect.issue({ login: `replay:${id}`, identity: identityFor(staging.params) });
      const response = await getJson(`${ctx.server.qfUrl}/france_connect?recipient=${DINUM_SIRET}`, token);
      expect(response.status).toBe(staging.status);
      expect(response.body).toEqual(staging.body);
    },
  );

  it.each([
    ["cnaf_qfv2", "with-france-connect/fake_france_connect_cnaf"],
    ["all_fc", "with-france-connect/fake_france_connect_cnaf_2"],
  ])("accepts staging's fake FranceConnect token %s", async (token, fixtureId) => {
    const response = await getJson(`${ctx.server.qfUrl}/france_connect?recipient=${DINUM_SIRET}`, token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(store.byId(fixtureId)!.body);
  });

  it("matches the exact parameter set only: one more parameter is another identity", async () => {
    const staging = store.byId("with-civility/200-identite-cas-nominal")!;
    const response = await getJson(
      `${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...staging.params, nomUsage: "MARTIN" })}`,
      communeToken,
    );
    expect(response.status).toBe(404);
  });
});
