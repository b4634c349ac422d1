import { existsSync } from "node:fs";
import os from "node:os";
import { Agent, request } from "undici";
import { ROOT } from "../tests/helpers/app-process.ts";
import { seedDemoDatabase, startBuiltServer } from "./built-server.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult } from "./lib.ts";

/**
 * Capacity of one machine by number of web processes (WEB_PROCESSES, node:cluster): the built
 * server on PostgreSQL with the demo data, driven by concurrent keep-alive clients over a mix of
 * public pages rendered from the database (home, Angers' page, the FAQ) for a fixed time. Baseline:
 * the same load on one process, in the same run. The load generator and PostgreSQL share the
 * machine's cores with the web processes: on 2 cores the gain is bounded by them, not by Node.
 */

const PAGES = ["/", "/collectivites/21490007900010", "/faq"];
const CLIENTS = 32;

interface Run {
  processes: number;
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

export async function runWebProcessesBench(options: { scale: number; log?: (line: string) => void }) {
  const started = now();
  const log = options.log ?? (() => {});
  if (!existsSync(`${ROOT}build/index.js`)) throw new Error("processus web : lancer `npm run build` d’abord");
  const cores = os.availableParallelism();
  const counts = [...new Set([1, 2, Math.min(cores, 4)])];
  const seconds = scaled(8, options.scale, 2);
  const scratch = await createBenchDatabase("web_processes");
  const runs: Run[] = [];
  try {
    await seedDemoDatabase(scratch.url);
    for (const processes of counts) {
      log(`processus web : ${processes} processus, ${CLIENTS} clients pendant ${seconds} s`);
      runs.push(await measure(scratch.url, processes, seconds));
    }
  } finally {
    await scratch.drop();
  }
  const base = runs[0]!;
  const rate = (run: Run) => run.requests / run.seconds;
  const rows = runs.map((run) => {
    const s = summarize(run.latencies);
    return [
      run.processes,
      run.requests,
      fmt(rate(run)),
      fmt(s.median),
      fmt(s.p95),
      fmt(rate(run) / rate(base), 2),
      run.errors,
    ];
  });
  const two = runs.find((run) => run.processes === 2)!;
  const markdown = [
    `${CLIENTS} clients en même temps (connexions persistantes) sur ${PAGES.map((p) => `\`${p}\``).join(", ")} ` +
      `pendant ${seconds} s par configuration, serveur construit sur PostgreSQL avec les données de démonstration ` +
      `(${cores} cœurs ; le générateur de charge et PostgreSQL tournent sur la même machine).`,
    "",
    table(["Processus web", "Requêtes", "Requêtes/s", "Médiane (ms)", "p95 (ms)", "÷ 1 processus", "Erreurs"], rows),
  ].join("\n");
  return {
    name: "web-processes",
    title: "Processus web par machine (WEB_PROCESSES)",
    markdown,
    goals: [
      {
        label: `processus web : 2 processus servent ${fmt(rate(two) / rate(base), 2)} × 1 processus (objectif > 1,1 : la capacité croît avec les processus)`,
        ok: rate(two) / rate(base) > 1.1,
      },
      {
        label: `processus web : ${runs.reduce((n, r) => n + r.errors, 0)} erreur`,
        ok: runs.every((r) => r.errors === 0),
      },
    ],
    durationMs: now() - started,
  } satisfies BenchResult;
}

async function measure(databaseUrl: string, processes: number, seconds: number): Promise<Run> {
  const { port, stop } = await startBuiltServer({ databaseUrl, processes });
  try {
    const dispatcher = new Agent({ connections: CLIENTS });
    const hit = async (path: string) => {
      const res = await request(`http://127.0.0.1:${port}${path}`, { dispatcher });
      await res.body.dump();
      return res.statusCode;
    };
    // Warm-up: every process compiles its routes and fills its pools before anything counts.
    await Promise.all(Array.from({ length: CLIENTS * 2 }, (_, i) => hit(PAGES[i % PAGES.length]!)));
    const latencies: number[] = [];
    let errors = 0;
    const t0 = now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = client; now() < end; i++) {
          const t = now();
          const status = await hit(PAGES[i % PAGES.length]!).catch(() => 0);
          latencies.push(now() - t);
          if (status !== 200) errors += 1;
        }
      }),
    );
    const elapsed = (now() - t0) / 1000;
    await dispatcher.close();
    return { processes, requests: latencies.length, errors, seconds: elapsed, latencies };
  } finally {
    await stop();
  }
}
