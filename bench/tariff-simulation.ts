import postgres from "postgres";
import { openDatabase, type Database } from "../db/client.ts";
import { useDatabaseHandle } from "../app/db.server.ts";
import type { PriceRule } from "../app/domain/pricing/rules.ts";
import { loadTariffService } from "../app/portal/tariffs/tariffs.server.ts";
import { simulateServiceDrafts } from "../app/portal/tariffs/draft-simulation.server.ts";
import * as simulationRoute from "../app/routes/portail.communes.$siret.tarifs.$serviceId_.simulation/route.tsx";
import * as simulationFileRoute from "../app/routes/portail.communes.$siret.tarifs.$serviceId_.simulation.fichier.ts";
import { addMember, callRoute, createAgent, signIn } from "../tests/helpers/portal-fixtures.ts";
import { insertTariffService } from "../tests/helpers/tariff-fixtures.ts";
import { generate } from "./inbox.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult } from "./lib.ts";

/**
 * « Simuler » a draft tariff (issue 19) on a commune of 50,000 families: goal under 2 s. The
 * baseline is the least any simulation must do, reading every family's QF and number of children
 * (raw SQL on the same pool); then the real simulation code with one draft, two drafts side by
 * side with units (revenue), the page's loader and the XLSX export of the two drafts.
 */

const GOAL_MS = 2_000;

export interface TariffSimulationBenchOptions {
  scale: number;
  runs?: number;
  log?: (line: string) => void;
}

const current: PriceRule = {
  kind: "effort",
  rate: 3200,
  floorCents: 50,
  ceilingCents: 420,
  noQfPriceCents: 420,
  roundingCents: 1,
  siblingReduction: { percent: 10, fromChild: 2 },
};
const raise: PriceRule = { ...current, rate: 4000, ceilingCents: 500, noQfPriceCents: 500 };
const linear: PriceRule = {
  kind: "linear",
  qf1: 300,
  price1Cents: 100,
  qf2: 2000,
  price2Cents: 480,
  noQfPriceCents: 480,
  roundingCents: 5,
  siblingReduction: { percent: 10, fromChild: 2 },
};

/** One per-child service: the rule in force and two drafts for next September. */
async function addService(db: Database, collectivityId: string) {
  const { serviceId, versionIds } = await insertTariffService(db, {
    collectivityId,
    name: "Restauration scolaire",
    perChild: true,
    versions: [
      { validFrom: "2020-09-01", rule: current },
      { validFrom: "2027-09-01", rule: raise, status: "draft" },
      { validFrom: "2027-09-01", rule: linear, status: "draft" },
    ],
  });
  return { serviceId, drafts: [versionIds[1]!, versionIds[2]!] as const };
}

export async function runTariffSimulationBench(options: TariffSimulationBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const runs = options.runs ?? (options.scale < 0.05 ? 3 : 15);
  const familiesCount = scaled(50_000, options.scale, 50);
  const scratch = await createBenchDatabase("tariff_simulation");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  const client = postgres(scratch.url, { max: 4, onnotice: () => {} });
  try {
    log(`tariff-simulation: génération de ${familiesCount} familles`);
    // A second, small commune: the simulation must read only its own commune's families.
    await generate(client, { communes: 2, largest: familiesCount, total: familiesCount + 100 });
    const [commune] = await client<{ id: string; siret: string }[]>`
      select id, siret from collectivities order by siret limit 1`;
    const { serviceId, drafts } = await addService(handle.db, commune!.id);
    const admin = await createAgent(handle.db, { email: "bench.admin@example.fr" });
    await addMember(handle.db, admin.id, commune!.id, "admin");
    const cookie = await signIn(handle.db, admin.id);
    useDatabaseHandle(handle);
    const service = (await loadTariffService(handle.db, commune!.id, serviceId))!;
    const today = "2026-12-06";
    const query = `projet=${drafts[0]}&comparer=${drafts[1]}&unites=140`;
    const base = `/portail/communes/${commune!.siret}/tarifs/${serviceId}/simulation`;

    const modes: { label: string; run: () => Promise<unknown> }[] = [
      {
        label: "Référence : lecture brute du QF et des enfants de chaque famille (SQL seul)",
        run: () =>
          client`select qf_value, children_count from families where collectivity_id = ${commune!.id}`.then(
            (rows) => rows.length,
          ),
      },
      {
        label: "Un projet (simulateServiceDrafts)",
        run: () =>
          simulateServiceDrafts(handle.db, commune!.id, service, { draftIds: [drafts[0]], units: null, today }),
      },
      {
        label: "Deux projets côte à côte, avec unités (recettes)",
        run: () => simulateServiceDrafts(handle.db, commune!.id, service, { draftIds: [...drafts], units: 140, today }),
      },
      {
        label: "Page « Simuler », deux projets (loader)",
        run: async () => {
          const answer = await callRoute(simulationRoute, "loader", {
            path: `${base}?${query}`,
            params: { siret: commune!.siret, serviceId },
            cookie,
          });
          if (answer.status !== 200) throw new Error(`loader ${answer.status}`);
        },
      },
      {
        label: "Export XLSX des deux projets (loader du fichier, fichier lu en entier)",
        run: async () => {
          // Called directly rather than through callRoute: the file's bytes must be produced.
          const request = new Request(`http://localhost:3000${base}/fichier?${query}&format=xlsx`, {
            headers: { Cookie: cookie },
          });
          const response = await simulationFileRoute.loader({
            request,
            params: { siret: commune!.siret, serviceId },
            context: { cspNonce: "", requestId: "bench" },
          } as never);
          if (response.status !== 200) throw new Error(`export ${response.status}`);
          await response.arrayBuffer();
        },
      },
    ];

    const check = await simulateServiceDrafts(handle.db, commune!.id, service, {
      draftIds: [...drafts],
      units: 140,
      today,
    });
    const simulated = check!.drafts.map((draft) => draft.families);

    for (const mode of modes) for (let i = 0; i < 2; i++) await mode.run();
    const samples = modes.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) {
      // Interleaved, so load from other processes hits every mode alike.
      for (const [index, mode] of modes.entries()) {
        const t = now();
        await mode.run();
        samples[index]!.push(now() - t);
      }
    }
    const summaries = samples.map(summarize);
    const baseline = summaries[0]!.median;
    const rows = modes.map((mode, index) => [
      mode.label,
      `${fmt(summaries[index]!.median)} / ${fmt(summaries[index]!.p95)}`,
      index === 0 ? "1" : fmt(summaries[index]!.median / baseline, 2),
    ]);
    const worstP95 = Math.max(...summaries.slice(1).map((s) => s.p95));
    const groups = await client<{ n: number }[]>`
      select count(*)::int as n from (select 1 from families where collectivity_id = ${commune!.id}
      group by qf_value, children_count) g`;
    const markdown = [
      `Une commune de ${familiesCount} familles (QF de 0 à 2 999, sans QF pour une sur cinquante, 0 à 5 enfants), ` +
        `un service par enfant (taux d’effort en vigueur, réduction de 10 % dès le deuxième enfant) et deux projets ` +
        `pour le 1er septembre 2027 (taux relevé ; règle linéaire). Les familles sont lues en ${groups[0]!.n} groupes ` +
        `de même QF et même nombre d’enfants, chacun tarifé une fois. ${runs} mesures par mode après 2 tours de chauffe, ` +
        `modes entrelacés ; temps en millisecondes, médiane / p95.`,
      "",
      table(["Mesure", "Médiane / p95", "÷ référence"], rows),
    ].join("\n");
    return {
      name: "tariff-simulation",
      title: "Simulation d’un projet de tarif",
      markdown,
      goals: [
        {
          label: `simulation : p95 < 2 s à ${familiesCount} familles, page et export compris (${fmt(worstP95)} ms)`,
          ok: worstP95 < GOAL_MS,
        },
        {
          label: `simulation : toutes les familles de la commune simulées, et elles seules (${simulated.join(", ")})`,
          ok: simulated.every((count) => count === familiesCount),
        },
      ],
      durationMs: now() - started,
    };
  } finally {
    await client.end({ timeout: 1 });
    await handle.close();
    await scratch.drop();
  }
}
