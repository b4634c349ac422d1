/**
 * The journal's appends per second (issue 20, ADR 029), on PostgreSQL:
 *
 *   npx tsx bench/audit-chains.ts            # 5 s per run
 *   BENCH_SECONDS=10 npx tsx bench/audit-chains.ts
 *
 * 1, 4 and 16 writers (one connection each) append consultations spread over 16 communes: each
 * commune on its own chain (ADR 029), then every writer on one chain, which is what the former
 * global chain did (one head row locked by every append).
 */
import { openDatabase } from "../db/client.ts";
import { recordAudit } from "../app/audit/audit.server.ts";
import { verifyAuditChain } from "../app/audit/audit.server.ts";
import { createBenchDatabase, fmt, summarize } from "./lib.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const communes = Array.from({ length: 16 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
const scratch = await createBenchDatabase("audit");
const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 17 });

async function run(writers: number, oneChain: boolean) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; performance.now() < end; n++) {
        const started = performance.now();
        await recordAudit(handle.db, {
          actor: null,
          // One chain: every writer on the same head row, as before ADR 029.
          collectivityId: oneChain ? null : communes[(w + n) % communes.length]!,
          action: "family_file.viewed",
          targetType: "family_file",
          targetId: `bench-${w}-${n}`,
          details: { tab: "a_traiter" },
        });
        latencies.push(performance.now() - started);
      }
    }),
  );
  const summary = summarize(latencies);
  return { perSecond: summary.n / seconds, p95: summary.p95, median: summary.median };
}

try {
  console.info(`| Écrivains | Chaînes | Ajouts/s | Médiane (ms) | p95 (ms) |`);
  console.info(`| --: | --- | --: | --: | --: |`);
  for (const writers of [1, 4, 16]) {
    for (const oneChain of [true, false]) {
      const result = await run(writers, oneChain);
      console.info(
        `| ${writers} | ${oneChain ? "une seule (comme avant l’ADR 029)" : "16 communes, une chaîne chacune"} | ` +
          `${fmt(result.perSecond, 0)} | ${fmt(result.median)} | ${fmt(result.p95)} |`,
      );
    }
  }
  const report = await verifyAuditChain(handle.db);
  console.info(`Vérification : ${report.ok ? "intègre" : "ROMPUE"}, ${report.count} entrées`);
} finally {
  await handle.close();
  await scratch.drop();
}
