import { describeDatabaseError, exitOnUncaughtErrors, loadConfigOrExit, onShutdown } from "../app/boot.server.ts";
import { closeDatabase, initDatabase } from "../app/db.server.ts";
import { setupMetrics } from "../app/metrics/setup.server.ts";
import { startWorker } from "./worker-runtime.ts";

// Worker entry point (`npm run start:worker`): schedules and background jobs.
exitOnUncaughtErrors();
const config = loadConfigOrExit();

let database;
try {
  database = await initDatabase();
} catch (error) {
  process.stderr.write(`${describeDatabaseError(config, error)}\n`);
  process.exit(1);
}

const metrics = await setupMetrics(config, database.db);
const worker = await startWorker({ db: database.db, config });

onShutdown(async () => {
  await worker.stop();
  await metrics?.close();
  await closeDatabase();
});
