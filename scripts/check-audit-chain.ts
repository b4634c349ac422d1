/**
 * Verifies the audit trail's hash chains, one per commune and one for the platform (ADR 029):
 * `npx tsx scripts/check-audit-chain.ts [collectivity id | plateforme]`.
 * Uses the app's configuration (DATABASE_URL, or PGLITE_DIR — stop the app
 * first, PGlite allows one process). Exit 0 when intact, 1 with the first
 * broken entry otherwise, 2 when the database cannot be read.
 *
 * The printed head digest (over every chain's head) is worth keeping elsewhere from time to time: the
 * chain proves rows were not edited one by one, but someone able to rewrite
 * the whole table could recompute it; a digest noted outside pins the past.
 */
import { loadConfigOrExit } from "../app/boot.server.ts";
import { verifyAuditChain } from "../app/audit/audit.server.ts";
import { openDatabase } from "../db/client.ts";

// One commune's chain only: `npx tsx scripts/check-audit-chain.ts <collectivity id>` ("plateforme" for the platform's).
const argument = process.argv[2];
const commune = argument === undefined ? undefined : argument === "plateforme" ? null : argument;
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
  const report = await verifyAuditChain(handle.db, commune === undefined ? {} : { collectivityId: commune });
  if (report.ok) {
    process.stdout.write(
      `Journal d'audit intègre : ${report.count} entrées vérifiées dans ${report.chains.length} chaîne(s). ` +
        `Empreinte de tête : ${report.lastDigest}\n`,
    );
    process.exitCode = 0;
  } else {
    const chain =
      report.chain === "legacy"
        ? "chaîne commune d'avant l'ADR 029"
        : report.chain === null
          ? "chaîne de la plateforme"
          : `chaîne de la commune ${report.chain}`;
    process.stdout.write(
      `Journal d'audit rompu à l'entrée n° ${report.brokenId ?? "?"} (${chain}) : ${report.reason} ` +
        `(${report.count} entrées lues).\n`,
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
