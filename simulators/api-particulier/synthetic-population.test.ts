import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNES } from "../demo-data.ts";
import type { QfRequestParams } from "./civility-params.ts";
import type { Civility } from "./civility-validation.ts";
import type { QfSuccessBody } from "./qf-data.ts";
import { currentParisPeriod } from "./qf-period.ts";
import { isSyntheticName, syntheticFamily } from "./synthetic-population.ts";
import { DINUM_SIRET, getJson, qfQuery } from "./testing/qf-client.ts";
import { startSimulator } from "./testing/start-simulator.ts";

const civility: Civility = {
  nomNaissance: "SYNTH00042",
  prenoms: ["CAMILLE"],
  birth: { year: 1984, month: 2, day: 29 },
  sexe: "F",
  paysNaissance: "99100",
  communeNaissance: "64445",
};

describe("synthetic population", () => {
  it("recognises the SYNTH prefix whatever the case", () => {
    expect(isSyntheticName("SYNTH00042")).toBe(true);
    expect(isSyntheticName("synth-martin")).toBe(true);
    expect(isSyntheticName("MARTIN-SYNTH")).toBe(false);
  });

  it("is deterministic, down to the values (no clock, no Math.random)", () => {
    const a = syntheticFamily(civility, { annee: 2025, mois: 3 });
    expect(syntheticFamily(civility, { annee: 2025, mois: 3 })).toEqual(a);
    // Pinned so an accidental change to the generator shows up: benchmarks compare runs.
    expect(a.data.quotient_familial).toEqual({
      fournisseur: "CNAF",
      valeur: 1033,
      annee: 2025,
      mois: 3,
      annee_calcul: 2025,
      mois_calcul: 3,
    });
    expect(a.data.enfants?.map((e) => `${e.prenoms} ${e.date_naissance}`)).toEqual([
      "MARIE 2020-09-22",
      "NATHAN 2007-08-13",
    ]);
    expect(a.data.allocataires?.[0]).toEqual({
      nom_naissance: "SYNTH00042",
      nom_usage: null,
      prenoms: "CAMILLE",
      date_naissance: "1984-02-29",
      sexe: "F",
    });
  });

  it("changes the QF with the year but not the family", () => {
    const years = [2022, 2023, 2024, 2025, 2026].map((annee) => syntheticFamily(civility, { annee, mois: 1 }));
    const values = years.map((y) => y.data.quotient_familial!.valeur);
    for (let i = 1; i < values.length; i++) expect(values[i]).not.toBe(values[i - 1]);
    for (const year of years) {
      expect(year.data.allocataires).toEqual(years[0]!.data.allocataires);
      expect(year.data.enfants).toEqual(years[0]!.data.enfants);
      expect(year.data.adresse).toEqual(years[0]!.data.adresse);
    }
  });

  it("gives different people different, plausible families", () => {
    const families = Array.from({ length: 200 }, (_, i) =>
      syntheticFamily({ ...civility, nomNaissance: `SYNTH${i}` }, { annee: 2026, mois: 1 }),
    );
    const values = new Set(families.map((f) => f.data.quotient_familial!.valeur));
    expect(values.size).toBeGreaterThan(100);
    const childCounts = new Set(families.map((f) => f.data.enfants!.length));
    expect(childCounts.size).toBeGreaterThan(3);
    for (const family of families) {
      expect(family.data.quotient_familial!.valeur).toBeGreaterThan(0);
      for (const child of family.data.enfants!) expect(child.date_naissance > "1984-02-29").toBe(true);
    }
  });

  describe("over HTTP", () => {
    let ctx: Awaited<ReturnType<typeof startSimulator>>;
    const token = DEMO_COMMUNES[2]!.apiParticulierToken;
    const base: QfRequestParams = {
      nomNaissance: "SYNTH00042",
      prenoms: ["CAMILLE"],
      anneeDateNaissance: "1984",
      moisDateNaissance: "2",
      jourDateNaissance: "29",
      sexeEtatCivil: "F",
      codeCogInseePaysNaissance: "99100",
      codeCogInseeCommuneNaissance: "64445",
    };
    const call = async (params: QfRequestParams) =>
      (await getJson(`${ctx.server.qfUrl}/identite?${qfQuery({ recipient: DINUM_SIRET, ...params })}`, token))
        .body as QfSuccessBody;
    beforeAll(async () => {
      ctx = await startSimulator();
    });
    afterAll(() => ctx.server.close());

    it("accepts any valid parameter combination and keeps the family", async () => {
      const { annee } = currentParisPeriod(new Date());
      const option1 = await call({ ...base, annee: String(annee - 1), mois: "1" });
      const option2 = await call({
        ...base,
        codeCogInseeCommuneNaissance: undefined,
        nomCommuneNaissance: "Pau",
        codeCogInseeDepartementNaissance: "64",
        nomUsage: "ROUSSEL",
        annee: String(annee - 1),
        mois: "1",
      });
      expect(option2.data.enfants).toEqual(option1.data.enfants);
      expect(option2.data.quotient_familial).toEqual(option1.data.quotient_familial);
      expect(option2.data.allocataires?.[0]?.nom_usage).toBe("ROUSSEL");
      const thisYear = await call({ ...base, annee: String(annee), mois: "1" });
      expect(thisYear.data.quotient_familial!.valeur).not.toBe(option1.data.quotient_familial!.valeur);
    });
  });
});
