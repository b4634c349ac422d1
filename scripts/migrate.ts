/**
 * Applies the committed migrations, then exits: `npm run db:migrate`, for a platform's release
 * step (with MIGRATE_ON_BOOT=0 on the web and worker processes, see docs/deployment.md). Reads
 * the app's configuration (DATABASE_URL, or PGLITE_DIR with the app stopped). On PostgreSQL it
 * takes the same lock as a booting instance, so running it while instances start is safe.
 * Prints one line (the database's host and name, never its credentials); exits 0 when the
 * database is up to date, 1 with the reason otherwise.
 */
import { loadConfigOrExit } from "../app/boot.server.ts";
import { openDatabase } from "../db/client.ts";

const config = loadConfigOrExit();
const target = config.DATABASE_URL ? describePostgres(config.DATABASE_URL) : `PGlite (${config.PGLITE_DIR})`;

let handle;
try {
  handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    migrate: false,
    maxConnections: 2,
  });
  const { applied, total } = await handle.migrate();
  const done =
    applied === 0
      ? "aucune migration à appliquer"
      : `${applied} migration${applied > 1 ? "s" : ""} appliquée${applied > 1 ? "s" : ""}`;
  process.stdout.write(`Base ${target} à jour : ${done} (${total} au total).\n`);
  process.exitCode = 0;
} catch (error) {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  process.stderr.write(`Migration impossible sur ${target} : ${reason}\n`);
  process.exitCode = 1;
} finally {
  await handle?.close().catch(() => {});
}

/** Host, port and database name: enough to tell which database, nothing an attacker could use. */
function describePostgres(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `PostgreSQL ${hostname}${port ? `:${port}` : ""}${pathname}`;
}
