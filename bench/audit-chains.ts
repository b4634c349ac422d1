/**
 * The journal's appends per second (issue 20, ADR 029), on PostgreSQL; part of `npm run bench`
 * (`BENCH_ONLY=audit`). 1, 4 and 16 writers (one connection each) append consultations spread
 * over 16 communes: each commune on its own chain (ADR 029), then every writer on one chain,
 * which is what the former global chain did (one head row locked by every append). The baseline
 * is that single chain, measured in the same process on the same database.
 */
import { openDatabase, type Database } from "../db/client.ts";
import { recordAudit, verifyAuditChain } from "../app/audit/audit.server.ts";
import { createBenchDatabase, fmt, now, summarize, table, type BenchResult } from "./lib.ts";

export interface AuditChainsBenchOptions {
  scale: number;
  log?: (line: string) => void;
}

const WRITERS = [1, 4, 16] as const;
const communes = Array.from({ length: 16 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);

interface Run {
  writers: number;
  oneChain: boolean;
  perSecond: number;
  median: number;
  p95: number;
}

async function measure(db: Database, writers: number, oneChain: boolean, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  const end = now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; now() < end; n++) {
        const started = now();
        await recordAudit(db, {
          actor: null,
          // One chain: every writer on the same head row, as before ADR 029.
          collectivityId: oneChain ? null : communes[(w + n) % communes.length]!,
          action: "family_file.viewed",
          targetType: "family_file",
          targetId: `bench-${w}-${n}`,
          details: { tab: "a_traiter" },
        });
        latencies.push(now() - started);
      }
    }),
  );
  const summary = summarize(latencies);
  return { writers, oneChain, perSecond: summary.n / seconds, median: summary.median, p95: summary.p95 };
}

export async function runAuditChainsBench(options: AuditChainsBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  // 5 s per run at full size; a smoke run only proves the code path and the verification.
  const seconds = Math.max(0.2, 5 * Math.min(1, options.scale));
  const scratch = await createBenchDatabase("audit");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 17 });
  try {
    const runs: Run[] = [];
    for (const writers of WRITERS) {
      for (const oneChain of [true, false]) {
        log(`journal : ${writers} écrivain(s), ${oneChain ? "une chaîne" : "une chaîne par commune"}`);
        runs.push(await measure(handle.db, writers, oneChain, seconds));
      }
    }
    const verification = await verifyAuditChain(handle.db);
    const at = (writers: number, oneChain: boolean) =>
      runs.find((r) => r.writers === writers && r.oneChain === oneChain)!;
    const ratio16 = at(16, false).perSecond / at(16, true).perSecond;
    const markdown = [
      `${seconds} s par mesure ; une connexion par écrivain, 16 communes. Référence : une seule chaîne (le verrou`,
      `unique d’avant l’ADR 029), mesurée dans le même processus sur la même base.`,
      "",
      table(
        ["Écrivains", "Chaînes", "Ajouts/s", "Médiane (ms)", "p95 (ms)"],
        runs.map((r) => [
          r.writers,
          r.oneChain ? "une seule (comme avant l’ADR 029)" : "16 communes, une chaîne chacune",
          fmt(r.perSecond, 0),
          fmt(r.median),
          fmt(r.p95),
        ]),
      ),
      "",
      `16 écrivains : ${fmt(ratio16)} × le débit d’une seule chaîne. Vérification : ${
        verification.ok ? "intègre" : "ROMPUE"
      }, ${verification.count} entrées.`,
    ].join("\n");
    return {
      name: "audit",
      title: "Journal : ajouts par seconde, une chaîne par commune",
      markdown,
      goals: [
        {
          label: `journal : toutes les chaînes vérifiées intègres (${verification.count} entrées)`,
          ok: verification.ok,
        },
        {
          label: `journal : 16 écrivains sur 16 communes ≥ 1,5 × une seule chaîne (${fmt(ratio16)} ×)`,
          ok: ratio16 >= 1.5,
        },
      ],
      durationMs: now() - started,
    };
  } finally {
    await handle.close();
    await scratch.drop();
  }
}
