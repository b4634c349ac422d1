import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FC_NOT_FOUND_LOGIN, FC_QF_4270_LOGIN, FC_USER_FIXTURES } from "./fc-user-fixtures.ts";
import { FixtureStore } from "./fixture-store.ts";
import { paramsFromFranceConnect } from "./france-connect-identity.ts";
import { identityKey } from "./identity-key.ts";
import { FC_TEST_USER_IDENTITY, FULL_FC_SCOPES } from "./testing/fake-franceconnect.ts";
import { DINUM_SIRET, errorCodes, getJson } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

/** Pivot identities of the mapped integration users (franceconnect-integration-test-users.csv). */
const MAPPED_USER_IDENTITIES: Record<string, Record<string, string>> = {
  test: FC_TEST_USER_IDENTITY as unknown as Record<string, string>,
  avec_nom_dusage: {
    family_name: "MERCIER",
    preferred_username: "DUBOIS",
    given_name: "Pierre",
    gender: "male",
    birthdate: "1969-03-17",
    birthplace: "95277",
    birthcountry: "99100",
  },
  nom_composé: {
    family_name: "TROIS-DUPRE",
    given_name: "Melissandre Juliette",
    gender: "female",
    birthdate: "1981-07-27",
    birthplace: "13012",
    birthcountry: "99100",
  },
  prénom_composé: {
    family_name: "HUCHE",
    given_name: "Anne-Laure",
    gender: "female",
    birthdate: "1945-09-30",
    birthplace: "31555",
    birthcountry: "99100",
  },
  sans_nom_dusage: {
    family_name: "DUPONT",
    given_name: "Paul Louis",
    gender: "male",
    birthdate: "1962-08-24",
    birthplace: "75107",
    birthcountry: "99100",
  },
  nom_prénom_long: {
    family_name: "DELALALALANDE",
    given_name: "Emmanuel Alexandre Nicolas",
    gender: "male",
    birthdate: "1991-01-07",
    birthplace: "75101",
    birthcountry: "99100",
  },
};

const HOCHON = {
  family_name: "HOCHON",
  given_name: "Valentin Emmanuel",
  gender: "male",
  birthdate: "1955-01-01",
  birthplace: "69674",
  birthcountry: "99100",
};

describe("/france_connect", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  const call = (token: string | undefined, query = `recipient=${DINUM_SIRET}`) =>
    getJson(`${ctx.server.qfUrl}/france_connect?${query}`, token);

  beforeAll(async () => {
    ctx = await startSimulator();
  });
  afterAll(() => ctx.server.close());

  it("gives the integration user `test` (Angela Claire Louise DUBOIS) a QF of 4270", async () => {
    const token = ctx.franceConnect.issue({ login: FC_QF_4270_LOGIN, identity: FC_TEST_USER_IDENTITY });
    const response = await call(token);
    expect(response.status).toBe(200);
    const data = (response.body as { data: { quotient_familial: { valeur: number }; allocataires: unknown[] } }).data;
    expect(data.quotient_familial.valeur).toBe(4270);
    expect(data.allocataires).toEqual([
      {
        nom_naissance: "DUBOIS",
        nom_usage: null,
        prenoms: "ANGELA CLAIRE LOUISE",
        date_naissance: "1962-08-24",
        sexe: "F",
      },
    ]);
  });

  it(`answers 404 for ${FC_NOT_FOUND_LOGIN}, the designated "not found" user`, async () => {
    const token = ctx.franceConnect.issue({ login: FC_NOT_FOUND_LOGIN, identity: HOCHON });
    const response = await call(token);
    expect(response.status).toBe(404);
    expect(errorCodes(response.body)).toEqual(["37003"]);
  });

  it("maps each mapped integration user to a fixture of the same person", async () => {
    const store = await FixtureStore.load();
    for (const [login, entry] of Object.entries(FC_USER_FIXTURES)) {
      if (!entry.fixture) continue;
      const staging = store.byId(entry.fixture);
      expect(staging, login).toBeDefined();
      const identity = MAPPED_USER_IDENTITIES[login];
      expect(identity, `identity of ${login} in this test`).toBeDefined();
      expect(identityKey(staging!.params)).toBe(identityKey(paramsFromFranceConnect(identity!)));
      const token = ctx.franceConnect.issue({ login, identity: identity! });
      const response = await call(token);
      expect(response.status, login).toBe(200);
      expect(response.body).toEqual(staging!.body);
    }
  });

  describe("FranceConnect token", () => {
    it.each<[string, () => string | undefined, number, string]>([
      ["no bearer", () => undefined, 401, "00101"],
      ["a token FranceConnect does not know", () => "fc-unknown", 401, "00101"],
      [
        "an expired token",
        () => ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY, expiresInSeconds: -5 }),
        401,
        "00103",
      ],
      [
        "an inactive token",
        () => ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY, active: false }),
        401,
        "00101",
      ],
      [
        "a token without identite_pivot",
        () =>
          ctx.franceConnect.issue({
            login: "test",
            identity: FC_TEST_USER_IDENTITY,
            scope: ["openid", "cnaf_quotient_familial"],
          }),
        401,
        "50003",
      ],
      [
        "a token without any cnaf_* scope",
        () =>
          ctx.franceConnect.issue({
            login: "test",
            identity: FC_TEST_USER_IDENTITY,
            scope: ["openid", "identite_pivot"],
          }),
        403,
        "00100",
      ],
    ])("refuses %s", async (_label, token, status, code) => {
      const response = await call(token());
      expect(response.status).toBe(status);
      expect(errorCodes(response.body)).toEqual([code]);
    });
  });

  it("omits the keys whose scope the FranceConnect token lacks", async () => {
    const scope = FULL_FC_SCOPES.filter((s) => s !== "cnaf_enfants" && s !== "cnaf_adresse");
    const token = ctx.franceConnect.issue({
      login: "avec_nom_dusage",
      identity: MAPPED_USER_IDENTITIES.avec_nom_dusage!,
      scope,
    });
    const response = await call(token);
    expect(response.status).toBe(200);
    expect(Object.keys((response.body as { data: object }).data).sort()).toEqual(["allocataires", "quotient_familial"]);
  });

  it("wants a recipient", async () => {
    const token = ctx.franceConnect.issue({ login: "test", identity: FC_TEST_USER_IDENTITY });
    const response = await call(token, "");
    expect(response.status).toBe(422);
    expect(errorCodes(response.body)).toEqual(["00203"]);
  });

  it("serves the synthetic population to FranceConnect identities too", async () => {
    const identity = { ...FC_TEST_USER_IDENTITY, family_name: "SYNTHFC", given_name: "Lina" };
    const token = ctx.franceConnect.issue({ login: "bench-0001", identity });
    const response = await call(token, `recipient=${DINUM_SIRET}&annee=${new Date().getFullYear() - 1}&mois=6`);
    expect(response.status).toBe(200);
    const qf = (response.body as { data: { quotient_familial: { annee: number; mois: number } } }).data
      .quotient_familial;
    expect([qf.annee, qf.mois]).toEqual([new Date().getFullYear() - 1, 6]);
  });

  it("refuses an identity the provider cannot use (siade validates FranceConnect identities too)", async () => {
    const identity = { ...FC_TEST_USER_IDENTITY, family_name: "SYNTHFC", gender: "unspecified" };
    const response = await call(ctx.franceConnect.issue({ login: "someone-else", identity }));
    expect(response.status).toBe(422);
    expect(errorCodes(response.body)).toEqual(["00366"]);
  });
});
