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
  /** The most agents at once, of those measured, whose pages' p95 met the goal (0: none). */
  agentsWithinGoal: number;
}

/** The agents' goal over HTTP (issue 20). */
export const P95_GOAL_MS = 300;
/** Fewer agents at once, after the main measure, each for half its time. */
const SWEEP_AGENTS = [1, 5, 10];

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
    /** `agents` of the sessions going through the paths for `seconds`: each page's time, by path. */
    const drive = async (agents: string[], seconds: number) => {
      const samples = options.paths.map(() => [] as number[]);
      let errors = 0;
      const end = now() + seconds * 1000;
      await Promise.all(
        agents.map(async (cookie, client) => {
          for (let i = client; now() < end; i++) {
            const index = i % options.paths.length;
            const t = now();
            const status = await hit(options.paths[index]!.path, cookie).catch(() => 0);
            samples[index]!.push(now() - t);
            if (status !== 200) errors += 1;
          }
        }),
      );
      return { samples, errors };
    };
    const cpuBefore = cpuSnapshot({ web: pid });
    const t0 = now();
    const { samples, errors } = await drive(options.cookies, options.seconds);
    const elapsed = (now() - t0) / 1000;
    const cpuAfter = cpuSnapshot({ web: pid });
    // Fewer agents at once on the same server: how many the documented setup serves within the goal.
    const sweepSeconds = Math.max(1, Math.round(options.seconds / 2));
    const sweep: (string | number)[][] = [];
    let withinGoal = 0;
    for (const agents of SWEEP_AGENTS.filter((n) => n < clients)) {
      const started = now();
      const run = await drive(options.cookies.slice(0, agents), sweepSeconds);
      const seconds = (now() - started) / 1000;
      const s = summarize(run.samples.flat());
      if (s.p95 < P95_GOAL_MS && run.errors === 0) withinGoal = Math.max(withinGoal, agents);
      sweep.push([agents, fmt(s.n / seconds), fmt(s.median), fmt(s.p95), run.errors]);
      options.log(`inbox http : ${agents} agent(s), ${fmt(s.n / seconds)} pages/s, p95 ${fmt(s.p95)} ms`);
    }
    await dispatcher.close();
    const all = summarize(samples.flat());
    if (all.p95 < P95_GOAL_MS && errors === 0) withinGoal = clients;
    sweep.push([clients, fmt(all.n / elapsed), fmt(all.median), fmt(all.p95), errors]);
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
      "",
      `Le même serveur, les mêmes pages, avec moins d’agents à la fois (${sweepSeconds} s chacun, après la mesure ` +
        `ci-dessus) : la capacité de la configuration documentée sous l’objectif de ${P95_GOAL_MS} ms au p95. ` +
        (withinGoal > 0
          ? `Plus grand nombre d’agents mesuré dans l’objectif : **${withinGoal}**.`
          : "Aucun nombre d’agents mesuré n’y tient."),
      "",
      table(["Agents à la fois", "Pages/s", "Médiane (ms)", "p95 (ms)", "Erreurs"], sweep),
    ].join("\n");
    return { markdown, p95: all.p95, errors, agentsWithinGoal: withinGoal };
  } finally {
    await stop();
  }
}
