/**
 * Verifies the audit trail's hash chain: `npx tsx scripts/check-audit-chain.ts`.
 * Uses the app's configuration (DATABASE_URL, or PGLITE_DIR — stop the app
 * first, PGlite allows one process). Exit 0 when intact, 1 with the first
 * broken entry otherwise, 2 when the database cannot be read.
 *
 * The printed head digest is worth keeping elsewhere from time to time: the
 * chain proves rows were not edited one by one, but someone able to rewrite
 * the whole table could recompute it; a digest noted outside pins the past.
 */
import { loadConfigOrExit } from "../app/boot.server.ts";
import { verifyAuditChain } from "../app/audit/audit.server.ts";
import { openDatabase } from "../db/client.ts";

const config = loadConfigOrExit();
let handle;
try {
  handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    migrate: false,
    maxConnections: 1,
  });
} catch (error) {
  process.stderr.write(
    `Base de données illisible : ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`,
  );
  process.exit(2);
}

try {
  const report = await verifyAuditChain(handle.db);
  if (report.ok) {
    process.stdout.write(
      `Journal d'audit intègre : ${report.count} entrées vérifiées. Empreinte de tête : ${report.lastDigest}\n`,
    );
    process.exitCode = 0;
  } else {
    process.stdout.write(
      `Journal d'audit rompu à l'entrée n° ${report.brokenId ?? "?"} : ${report.reason} (${report.count} entrées lues).\n`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  process.stderr.write(
    `Vérification impossible : ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`,
  );
  process.exitCode = 2;
} finally {
  await handle.close();
}
