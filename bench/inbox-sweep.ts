import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type DatabaseHandle } from "../db/client.ts";
import { collectivitySettings } from "../db/schema/index.ts";
import {
  clearHubeeReceiverCache,
  type HubeeInboxSettings,
} from "../app/portal/hubee-reception/hubee-inboxes.server.ts";
import { ingestDueInboxes } from "../app/portal/hubee-reception/inbox-sweep.server.ts";
import { MAX_POLL_INTERVAL_SECONDS } from "../app/portal/hubee-reception/inbox-schedule.server.ts";
import { sealSettingsSecret } from "../app/portal/settings/settings-secrets.server.ts";
import { startSimulatorProcess } from "../tests/helpers/simulator-process.ts";
import { createBenchDatabase, fmt, now, scaled, table, type BenchResult } from "./lib.ts";

/**
 * The scheduled sweep of the communes' HubEE inboxes at national scale (issue 20, ADR 032): 36,000
 * communes with SI credentials, each a real SI client of the HubEE simulator (its own process),
 * which adds 100 ms to every call, token included. Measured: the time to visit every commune with
 * one and with two sweepers, at the default HUBEE_INBOX_CONCURRENCY, and from it the staleness the
 * quietest commune reaches in steady state. All inboxes are empty: the cost is the visit itself.
 */

/** What a real HubEE may take per call (the figure). */
const LATENCY_MS = 100;
/** HUBEE_INBOX_CONCURRENCY's default (app/config.server.ts). */
const LANES = 16;
/** The production pool of one process (db/client.ts). */
const POOL = 10;

export interface InboxSweepBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

interface Visit {
  sweepers: number;
  tokens: "froids" | "en cache";
  wallS: number;
  readsPerS: number;
  failed: number;
}

export async function runInboxSweepBench(options: InboxSweepBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  const communes = scaled(36_000, options.scale, 20);
  const scratch = await createBenchDatabase("inbox_sweep");
  const handles: DatabaseHandle[] = [await openDatabase({ databaseUrl: scratch.url, maxConnections: POOL })];
  handles.push(await openDatabase({ databaseUrl: scratch.url, maxConnections: POOL, migrate: false }));
  const sims = await startSimulatorProcess(20);
  const settings: HubeeInboxSettings = {
    hubeeApiUrl: `${sims.url}/hubee`,
    hubeeTokenUrl: `${sims.url}/hubee-auth/oauth2/token`,
    encryptionKey: crypto.randomBytes(32),
  };
  try {
    log(`relevé : ${communes} communes, chacune cliente SI du simulateur HubEE`);
    const setup = now();
    await createCommunes(handles[0]!, sims.url, settings.encryptionKey, communes);
    const setupS = (now() - setup) / 1000;
    for (const target of ["api", "token"]) {
      const fault = await fetch(`${sims.url}/__admin/hubee/faults`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ target, latencyMs: LATENCY_MS }),
      });
      if (fault.status !== 201) throw new Error(`relevé : latence HubEE non réglée (${fault.status})`);
    }

    const visits: Visit[] = [];
    // Cold: every commune fetches its token first (two calls), as after a deployment.
    visits.push(await visitAll(handles.slice(0, 1), settings, communes, "froids", log));
    // Warm: tokens live an hour, so a steady sweep makes one call per quiet inbox.
    visits.push(await visitAll(handles.slice(0, 1), settings, communes, "en cache", log));
    visits.push(await visitAll(handles, settings, communes, "en cache", log));

    const one = visits[1]!;
    const two = visits[2]!;
    // Steady state: a quiet inbox is due every MAX_POLL_INTERVAL_SECONDS, so the sweep must read
    // communes / bound per second; below that capacity the quietest inbox waits a whole visit.
    const needed = communes / MAX_POLL_INTERVAL_SECONDS;
    const stalestS = (visit: Visit) => Math.max(MAX_POLL_INTERVAL_SECONDS, communes / visit.readsPerS);
    const failed = visits.reduce((sum, v) => sum + v.failed, 0);
    const markdown = [
      `${communes.toLocaleString("fr-FR")} communes avec identifiants SI (chacune un client SI du simulateur HubEE, ` +
        `qui tourne dans son propre processus et ajoute ${LATENCY_MS} ms à chaque appel, jeton compris), boîtes ` +
        `vides : le coût mesuré est la visite elle-même. Chaque relevé suit le vrai chemin (\`ingestDueInboxes\` : ` +
        `réservation \`SKIP LOCKED\`, bail, identifiants déchiffrés pour la seule commune, appel HubEE, remise avec ` +
        `la prochaine échéance), ${LANES} relevés à la fois par relèveur (\`HUBEE_INBOX_CONCURRENCY\` par défaut), ` +
        `un pool de ${POOL} connexions chacun. Les deux relèveurs tournent dans ce même processus (chacun son pool) ` +
        `comme deux workers. Préparation (non mesurée) : ${fmt(setupS)} s.`,
      "",
      table(
        ["Relèveurs", "Jetons", "Visite de toutes les communes (s)", "Relevés par seconde", "Échecs"],
        visits.map((v) => [v.sweepers, v.tokens, fmt(v.wallS), fmt(v.readsPerS), v.failed]),
      ),
      "",
      `En régime établi, une boîte calme est due toutes les ${MAX_POLL_INTERVAL_SECONDS / 60} minutes (décision 032) : ` +
        `il faut ${fmt(needed)} relevés par seconde pour ${communes.toLocaleString("fr-FR")} communes. Un relèveur en ` +
        `fait ${fmt(one.readsPerS)}, deux ${fmt(two.readsPerS)} : la boîte la plus calme est relevée toutes les ` +
        `${fmt(stalestS(one) / 60)} minutes avec un worker, ${fmt(stalestS(two) / 60)} avec deux (plus le délai ` +
        `d’une exécution, 15 s). Le plafond d’un relèveur est ${LANES} appels en vol × ${LATENCY_MS} ms ` +
        `(${fmt((LANES * 1000) / LATENCY_MS)} relevés/s au mieux) : la latence de HubEE, pas notre code ni la base.`,
    ].join("\n");
    return {
      name: "inbox-sweep",
      title: "Relevé des boîtes HubEE à l’échelle nationale",
      markdown,
      goals: [
        { label: `relevé : toutes les communes visitées à chaque passage, ${failed} échec`, ok: failed === 0 },
        {
          label:
            `relevé : un worker tient la borne de ${MAX_POLL_INTERVAL_SECONDS / 60} min ` +
            `(${fmt(one.readsPerS)} relevés/s ≥ ${fmt(needed)} nécessaires)`,
          ok: one.readsPerS >= needed,
        },
        {
          label: `relevé : deux relèveurs vont ≥ 1,5 × plus vite qu’un (${fmt(two.readsPerS / one.readsPerS)} ×)`,
          ok: two.readsPerS >= 1.5 * one.readsPerS,
        },
      ],
      durationMs: now() - started,
    };
  } finally {
    await sims.close();
    for (const handle of handles) await handle.close();
    await scratch.drop();
  }
}

/** Communes in SQL, their SI clients registered at the simulator, their sealed secrets in batches. */
async function createCommunes(handle: DatabaseHandle, simulatorUrl: string, key: Buffer, count: number) {
  await handle.db.execute(sql`
    insert into collectivities (name, siret, code_cog, departement)
    select 'Commune ' || i, '21' || lpad(i::text, 12, '0'), lpad((1000 + i % 90000)::text, 5, '0'), '49'
      from generate_series(1, ${count}::int) i`);
  const rows = await queryRows<{ id: string; siret: string; code_cog: string; name: string }>(
    handle.db,
    sql`select id, siret, code_cog, name from collectivities order by siret`,
  );
  for (let start = 0; start < rows.length; start += 5_000) {
    const batch = rows.slice(start, start + 5_000).map((row) => ({
      row,
      clientId: `si-bench-${row.siret}`,
      clientSecret: `secret-${crypto.randomBytes(9).toString("base64url")}`,
    }));
    const registered = await fetch(`${simulatorUrl}/__admin/hubee/clients`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        clients: batch.map((c) => ({
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          siret: c.row.siret,
          codeCog: c.row.code_cog,
          name: c.row.name,
        })),
      }),
    });
    if (registered.status !== 201) throw new Error(`relevé : clients SI refusés (${registered.status})`);
    await handle.db.insert(collectivitySettings).values(
      batch.map((c) => ({
        collectivityId: c.row.id,
        hubeeSiClientId: c.clientId,
        hubeeSiSecretEncrypted: sealSettingsSecret(key, c.row.id, "hubee_si_secret", c.clientSecret),
      })),
    );
  }
}

/**
 * Makes every inbox due, then runs the sweepers as the worker's schedule does (one run after
 * another, noOverlap) until each commune has been read once since the start.
 */
async function visitAll(
  handles: DatabaseHandle[],
  settings: HubeeInboxSettings,
  communes: number,
  tokens: Visit["tokens"],
  log: (line: string) => void,
): Promise<Visit> {
  const db = handles[0]!.db;
  if (tokens === "froids") clearHubeeReceiverCache();
  // Every inbox due now, each at the bound already (quiet communes in steady state): a read sets
  // the next one 15 minutes later, so nothing is read twice before every commune has been read once.
  await db.execute(sql`
    update hubee_inbox_polls
       set next_poll_at = now() - interval '1 second', locked_until = null,
           poll_interval_seconds = ${MAX_POLL_INTERVAL_SECONDS}::int`);
  const [{ start }] = (await queryRows<{ start: string }>(db, sql`select now()::text as start`)) as [{ start: string }];
  const wall = now();
  let failed = 0;
  const visited = async () => {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from hubee_inbox_polls where last_finished_at >= ${start}::timestamptz`,
    );
    return row!.n;
  };
  const sweeper = async (handle: DatabaseHandle) => {
    for (;;) {
      // Shorter runs than the worker's (50 s) only so the end of the visit is seen sooner.
      const summary = await ingestDueInboxes(handle.db, settings, { concurrency: LANES, maxDurationMs: 10_000 });
      failed += summary.failed + summary.failedCommunes;
      if ((await visited()) >= communes) return;
      if (summary.communes === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  await Promise.all(handles.map(sweeper));
  const wallS = (now() - wall) / 1000;
  const done = await visited();
  if (done < communes) throw new Error(`relevé : ${done}/${communes} communes visitées`);
  const readsPerS = communes / wallS;
  log(`relevé : ${handles.length} relèveur(s), jetons ${tokens} : ${fmt(wallS)} s, ${fmt(readsPerS)} relevés/s`);
  return { sweepers: handles.length, tokens, wallS, readsPerS, failed };
}
