import os from "node:os";
import { Agent, request } from "undici";
import { startBuiltServer } from "./built-server.ts";
import { cpuSnapshot, fmt, now, summarize, table } from "./lib.ts";

/**
 * The agents' list over HTTP (issue 20): the built server on the inbox benchmark's database,
 * with the documented production setup (one web process per core, `WEB_PROCESSES`), and agents
 * signed in at once, each on its own session, going through tabs, sorts, pages and searches of the
 * largest commune for a fixed time. What an agent waits for: the whole page, rendered and read.
 */

export interface InboxHttpResult {
  markdown: string;
  p95: number;
  errors: number;
}

export async function measureInboxOverHttp(options: {
  databaseUrl: string;
  /** One session cookie per agent ("name=value"). */
  cookies: string[];
  /** Paths of the list to go through, in turn. */
  paths: { label: string; path: string }[];
  seconds: number;
  log: (line: string) => void;
}): Promise<InboxHttpResult> {
  const processes = os.availableParallelism();
  // Jobs run in the worker, not in the processes that serve agents.
  const { port, pid, stop } = await startBuiltServer({
    databaseUrl: options.databaseUrl,
    processes,
    env: { RUN_WORKER: "0" },
  });
  try {
    const clients = options.cookies.length;
    const dispatcher = new Agent({ connections: clients });
    const hit = async (path: string, cookie: string) => {
      const res = await request(`http://127.0.0.1:${port}${path}`, { dispatcher, headers: { cookie } });
      const body = await res.body.text();
      // A session refused would redirect to the login page: fast, and wrong.
      return res.statusCode === 200 && body.includes("<table") ? 200 : res.statusCode || 1;
    };
    // Warm-up: every process compiles its routes and fills its pools before anything counts.
    await Promise.all(
      options.cookies.flatMap((cookie, i) =>
        [0, 1].map((k) => hit(options.paths[(i + k) % options.paths.length]!.path, cookie)),
      ),
    );
    const samples = options.paths.map(() => [] as number[]);
    let errors = 0;
    const cpuBefore = cpuSnapshot({ web: pid });
    const t0 = now();
    const end = t0 + options.seconds * 1000;
    await Promise.all(
      options.cookies.map(async (cookie, client) => {
        for (let i = client; now() < end; i++) {
          const index = i % options.paths.length;
          const t = now();
          const status = await hit(options.paths[index]!.path, cookie).catch(() => 0);
          samples[index]!.push(now() - t);
          if (status !== 200) errors += 1;
        }
      }),
    );
    const elapsed = (now() - t0) / 1000;
    const cpuAfter = cpuSnapshot({ web: pid });
    await dispatcher.close();
    const all = summarize(samples.flat());
    const rows = options.paths.map((p, i) => {
      const s = summarize(samples[i]!);
      return [p.label, s.n, fmt(s.median), fmt(s.p95)];
    });
    // CPU per page is the capacity's measure: unlike latency, it does not swing with the load of the moment.
    const perPage = (key: keyof typeof cpuBefore) => (cpuAfter[key] - cpuBefore[key]) / Math.max(1, all.n);
    const webMs = perPage("web");
    const agentsMs = perPage("own");
    const restMs = perPage("machineBusy") - webMs - agentsMs;
    const busyPercent =
      (100 * (cpuAfter.machineBusy - cpuBefore.machineBusy)) / (cpuAfter.machineTotal - cpuBefore.machineTotal);
    options.log(
      `inbox http : ${all.n} pages en ${fmt(elapsed)} s, p95 ${fmt(all.p95)} ms, ` +
        `CPU par page : web ${fmt(webMs)} ms, reste ${fmt(restMs)} ms`,
    );
    const markdown = [
      `${clients} agents connectés en même temps (une session chacun, connexions persistantes), ${options.seconds} s, ` +
        `serveur construit, ${processes} processus web (\`WEB_PROCESSES\`, un par cœur comme en production) ; le ` +
        `générateur de charge et PostgreSQL partagent les mêmes cœurs. Pages entières, lues jusqu’au bout : ` +
        `${all.n} pages, ${fmt(all.n / elapsed)} pages/s, médiane ${fmt(all.median)} ms, p95 ${fmt(all.p95)} ms, ` +
        `${errors} erreur(s). Processeur par page : serveur web ${fmt(webMs)} ms, agents virtuels ${fmt(agentsMs)} ms, ` +
        `reste de la machine (PostgreSQL surtout) ${fmt(restMs)} ms ; machine occupée à ${fmt(busyPercent)} %.`,
      "",
      table(["Page de la liste", "Pages servies", "Médiane (ms)", "p95 (ms)"], rows),
    ].join("\n");
    return { markdown, p95: all.p95, errors };
  } finally {
    await stop();
  }
}
