import { PendingMigrationsError } from "../db/migration-status.ts";
import { ConfigError, getConfig, type Config } from "./config.server.ts";
import { logger } from "./utils/logger.server.ts";

/**
 * Reads the configuration at process start. A bad value stops the process with
 * one line naming the variable, rather than failing later mid-request.
 */
export function loadConfigOrExit(): Config {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Why the database could not be opened at boot, in one line naming the variable to check or the command to run. */
export function describeDatabaseError(config: Config, error: unknown): string {
  if (error instanceof PendingMigrationsError) {
    return `Base de données non migrée : ${error.pending} migration(s) sur ${error.total} en attente et MIGRATE_ON_BOOT=0 ; lancez npm run db:migrate (étape de release) avant de démarrer cette version.`;
  }
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return config.DATABASE_URL
    ? `Base de données injoignable (DATABASE_URL) : ${reason}`
    : `Base embarquée PGlite inutilisable (PGLITE_DIR=${config.PGLITE_DIR}) : ${reason}`;
}

/**
 * Runs `stop` on SIGTERM/SIGINT and exits; a stuck shutdown is cut short so the
 * process always ends within the orchestrator's grace period.
 */
export function onShutdown(stop: () => Promise<void>, { graceMs = 4_000 } = {}): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "arrêt demandé");
    const force = setTimeout(() => {
      logger.warn("arrêt forcé après délai de grâce");
      process.exit(1);
    }, graceMs);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, "erreur pendant l'arrêt");
        process.exit(1);
      });
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}

/**
 * An error nothing caught (a promise rejected with nobody waiting for it, an exception thrown from
 * a callback) still ends the process, as Node does by default: its state can no longer be trusted,
 * and its supervisor starts a new one (the cluster's primary for a web process, the orchestrator or
 * systemd otherwise). But Node would print the error as it is, and a database error quotes the
 * values of its row (`safe-error.ts`): it goes through the logger's serializer first, as one JSON
 * line at level fatal, before the exit.
 */
export function exitOnUncaughtErrors(): void {
  const fatal = (origin: "exception" | "rejection") => (error: unknown) => {
    logger.fatal({ err: error, origin }, "erreur non rattrapée : arrêt du processus");
    process.exit(1);
  };
  process.on("uncaughtException", fatal("exception"));
  process.on("unhandledRejection", fatal("rejection"));
}
