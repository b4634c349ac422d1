import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import {
  DEMO_TOKEN_BLACKLISTED,
  DEMO_TOKEN_EXPIRED,
  DEMO_TOKEN_QF_VALUE_ONLY,
  DEMO_TOKEN_WITHOUT_QF_SCOPE,
} from "./demo-tokens.ts";
import { currentParisPeriod } from "./qf-period.ts";
import { DINUM_SIRET, errorCodes, getJson, qfQuery } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const token = DEMO_COMMUNES[1]!.apiParticulierToken;
const synthetic: QfRequestParams = {
  nomNaissance: "SYNTHDURAND",
  prenoms: ["JEANNE", "MARIE"],
  anneeDateNaissance: "1985",
  moisDateNaissance: "4",
  jourDateNaissance: "12",
  sexeEtatCivil: "F",
  codeCogInseePaysNaissance: "99100",
  codeCogInseeCommuneNaissance: "25056",
};

describe("/identite", () => {
  let ctx: Awaited<ReturnType<typeof startSimulator>>;
  /** bearer null = no Authorization header. */
  const call = (params: Record<string, unknown>, bearer: string | null = token) =>
    getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...params })}`, bearer ?? undefined);
  const rawCall = (query: string, bearer = token) => getJson(`${ctx.server.qfUrl}/identite?${query}`, bearer);

  beforeAll(async () => {
    ctx = await startSimulator();
  });
  afterAll(() => ctx.server.close());

  describe("tokens", () => {
    it.each([
      ["no token", null, 401, "00101"],
      ["an unknown token", "not-a-token", 401, "00101"],
      ["an expired token", DEMO_TOKEN_EXPIRED, 401, "00103"],
      ["a blacklisted token", DEMO_TOKEN_BLACKLISTED, 401, "00105"],
      ["a token without QF scope", DEMO_TOKEN_WITHOUT_QF_SCOPE, 403, "00100"],
    ])("refuses %s", async (_label, bearer, status, code) => {
      const response = await call(synthetic, bearer);
      expect(response.status).toBe(status);
      expect(errorCodes(response.body)).toEqual([code]);
    });

    it("serves every demo commune's token", async () => {
      for (const commune of DEMO_COMMUNES) {
        expect((await call(synthetic, commune.apiParticulierToken)).status).toBe(200);
      }
    });

    it("drops the keys whose scope the token lacks, like production", async () => {
      const response = await call(synthetic, DEMO_TOKEN_QF_VALUE_ONLY);
      expect(response.status).toBe(200);
      expect(Object.keys((response.body as { data: object }).data)).toEqual(["quotient_familial"]);
    });
  });

  describe("422", () => {
    it("wants a recipient (00203) that is a SIRET (00210)", async () => {
      const missing = await rawCall(qfQuery(synthetic));
      expect(missing.status).toBe(422);
      expect(errorCodes(missing.body)).toEqual(["00203"]);
      const invalid = await call({ ...synthetic, recipient: "12345678901234" });
      expect(invalid.status).toBe(422);
      expect(errorCodes(invalid.body)).toEqual(["00210"]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ["sexeEtatCivil other than M/F", { sexeEtatCivil: "X" }, "sexeEtatCivil"],
      ["a 4-character country code", { codeCogInseePaysNaissance: "9910" }, "codeCogInseePaysNaissance"],
      ["a 6-character commune code", { codeCogInseeCommuneNaissance: "250560" }, "codeCogInseeCommuneNaissance"],
      ["more than 3 prenoms", { prenoms: ["A", "B", "C", "D"] }, "prenoms[]"],
      ["no prenoms", { prenoms: undefined }, "prenoms[]"],
      ["no nomNaissance", { nomNaissance: undefined }, "nomNaissance"],
      ["digits in a real name", { nomNaissance: "DURAND2" }, "nomNaissance"],
      ["month 13", { moisDateNaissance: "13" }, "moisDateNaissance"],
      ["31 February", { moisDateNaissance: "2", jourDateNaissance: "31" }, "jourDateNaissance"],
    ])("refuses %s with 00366", async (_label, change, parameter) => {
      const response = await call({ ...synthetic, ...change });
      expect(response.status).toBe(422);
      const errors = (response.body as { errors: Array<{ code: string; source: { parameter: string } }> }).errors;
      expect(errors.map((e) => [e.code, e.source.parameter])).toEqual([["00366", parameter]]);
    });

    it("refuses prenoms without brackets and a repeated scalar", async () => {
      const base = qfQuery({ recipient: DINUM_SIRET, ...synthetic, prenoms: undefined });
      expect((await rawCall(`${base}&prenoms=JEANNE`)).status).toBe(422);
      expect((await rawCall(`${base}&prenoms[]=JEANNE&nomNaissance=SYNTHAUTRE`)).status).toBe(422);
    });

    describe("birthplace options", () => {
      const option2 = {
        codeCogInseeCommuneNaissance: undefined,
        nomCommuneNaissance: "Besançon",
        codeCogInseeDepartementNaissance: "25",
      };
      it("accepts option 2 (commune name + département + birth year)", async () => {
        expect((await call({ ...synthetic, ...option2 })).status).toBe(200);
      });
      it.each<[string, Record<string, unknown>, string[]]>([
        [
          "born in France without any option",
          { codeCogInseeCommuneNaissance: undefined },
          ["codeCogInseeCommuneNaissance"],
        ],
        [
          "option 2 without département",
          { ...option2, codeCogInseeDepartementNaissance: undefined },
          ["codeCogInseeDepartementNaissance"],
        ],
        ["option 2 without commune name", { ...option2, nomCommuneNaissance: undefined }, ["nomCommuneNaissance"]],
        [
          "option 2 without birth year",
          { ...option2, anneeDateNaissance: undefined, moisDateNaissance: undefined, jourDateNaissance: undefined },
          ["anneeDateNaissance"],
        ],
      ])("refuses %s", async (_label, change, parameters) => {
        const response = await call({ ...synthetic, ...change });
        expect(response.status).toBe(422);
        const errors = (response.body as { errors: Array<{ source: { parameter: string } }> }).errors;
        expect(errors.map((e) => e.source.parameter)).toEqual(parameters);
      });
      it("needs no commune for someone born abroad", async () => {
        const abroad = { ...synthetic, codeCogInseeCommuneNaissance: undefined, codeCogInseePaysNaissance: "99350" };
        expect((await call(abroad)).status).toBe(200);
      });
    });

    describe("QF period", () => {
      const current = currentParisPeriod(new Date());
      const monthsAgo = (n: number) => {
        const index = current.annee * 12 + (current.mois - 1) - n;
        return { annee: String(Math.floor(index / 12)), mois: String((index % 12) + 1) };
      };
      it("defaults to the current month", async () => {
        const response = await call(synthetic);
        const qf = (response.body as { data: { quotient_familial: { annee: number; mois: number } } }).data
          .quotient_familial;
        expect([qf.annee, qf.mois]).toEqual([current.annee, current.mois]);
      });
      it("serves 24 months of history, not more", async () => {
        expect((await call({ ...synthetic, ...monthsAgo(23) })).status).toBe(200);
        const tooOld = await call({ ...synthetic, ...monthsAgo(24) });
        expect(tooOld.status).toBe(422);
        expect(errorCodes(tooOld.body)).toEqual(["00353"]);
      });
      it("refuses a future month and a malformed year", async () => {
        expect((await call({ ...synthetic, ...monthsAgo(-1) })).status).toBe(422);
        expect((await call({ ...synthetic, annee: "26" })).status).toBe(422);
      });
    });
  });

  it("answers 404 37003 for an identity nobody knows", async () => {
    const response = await call({ ...synthetic, nomNaissance: "INCONNU" });
    expect(response.status).toBe(404);
    expect(errorCodes(response.body)).toEqual(["37003"]);
  });
});
