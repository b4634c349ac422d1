import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.ts";
import { withMigrationLock } from "../../db/migration-lock.ts";
import { countPendingMigrations, MIGRATIONS_FOLDER } from "../../db/migration-status.ts";
import { ROOT, collect, runEntryPoint, spawnEntryPoint } from "../helpers/app-process.ts";
import { freePort } from "../helpers/free-port.ts";
import { PROCESS_TEST_TIMEOUT_MS, waitForReadiness } from "../helpers/process-readiness.ts";
import { createScratchPostgresDatabase } from "../helpers/test-database.ts";

/**
 * Migrations as an operator runs them: instances of a new version started together on an empty
 * database, and the release step (`npm run db:migrate`, then processes started with
 * MIGRATE_ON_BOOT=0). Real processes; the web ones need the built app, as every boot test does.
 */

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });

interface EmptyDatabase {
  /** DATABASE_URL or PGLITE_DIR, for the child processes. */
  env: Record<string, string>;
  url?: string;
  pgliteDir?: string;
  drop(): Promise<void>;
}

/** A database nothing has touched: a scratch PostgreSQL database, or a PGlite folder on PGlite runs. */
async function emptyDatabase(): Promise<EmptyDatabase> {
  const scratch = await createScratchPostgresDatabase();
  if (scratch) return { env: { DATABASE_URL: scratch.url }, url: scratch.url, drop: scratch.drop };
  const pgliteDir = await mkdtemp(path.join(os.tmpdir(), "portail-qf-migrations-"));
  return { env: { PGLITE_DIR: pgliteDir }, pgliteDir, drop: () => rm(pgliteDir, { recursive: true, force: true }) };
}

async function pendingIn(database: EmptyDatabase): Promise<number> {
  // Only once no child holds it: PGlite's folder is one process's at a time.
  const handle = await openDatabase({ databaseUrl: database.url, pgliteDir: database.pgliteDir, migrate: false });
  try {
    return (await countPendingMigrations(handle.db)).pending;
  } finally {
    await handle.close();
  }
}

interface Started {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  stop(): Promise<void>;
}

/** Starts an entry point and resolves once it is up: /healthz answers 200 (web) or it logged its start (worker). */
async function boot(entry: "server.ts" | "jobs/worker.ts", env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawnEntryPoint(entry, {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    ...env,
  });
  const output = collect(child);
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  const isUp =
    entry === "server.ts"
      ? () =>
          fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })
            .then((res) => res.status === 200)
            .catch(() => false)
      : () => output().stdout.includes("worker démarré");
  try {
    await waitForReadiness({ child, output, what: entry, isReady: isUp });
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, output, stop };
}

/** `npm run db:migrate` as a release step runs it, in a neutral environment plus `env`. */
async function runMigrateCommand(env: Record<string, string>) {
  const base: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) if (process.env[key]) base[key] = process.env[key]!;
  const child = spawn("npm", ["run", "--silent", "db:migrate"], {
    cwd: ROOT,
    env: { ...base, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collect(child);
  const exited = once(child, "exit") as Promise<[number | null]>;
  await waitForReadiness({ child, output, what: "npm run db:migrate", until: "exit", isReady: () => false });
  const [code] = await exited;
  return { code, ...output() };
}

/** pino's JSON lines of one process, those with the given message. */
function logLines(stdout: string, msg: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}

describe.skipIf(!onPostgres)("instances started together on a new version (PostgreSQL)", () => {
  it(
    "four web processes started at once on an empty database all boot, and the migrations ran once",
    async () => {
      const database = await emptyDatabase();
      const started: Started[] = [];
      try {
        const booting = await Promise.allSettled(Array.from({ length: 4 }, () => boot("server.ts", database.env)));
        for (const result of booting) if (result.status === "fulfilled") started.push(result.value);
        expect(booting.map((result) => (result.status === "rejected" ? String(result.reason) : "booted"))).toEqual(
          Array(4).fill("booted"),
        );

        const admin = postgres(database.url!, { max: 1, onnotice: () => {} });
        try {
          const rows = await admin<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations order by id`;
          expect(rows.map((row) => row.hash)).toEqual(files.map((file) => file.hash));
        } finally {
          await admin.end();
        }
        // One instance applied them all, under the lock; the three others waited, then found nothing.
        const reports = started.flatMap((app) => logLines(app.output().stdout, "migrations appliquées"));
        expect(reports).toEqual([expect.objectContaining({ applied: files.length, total: files.length })]);
      } finally {
        await Promise.all(started.map((app) => app.stop()));
        await database.drop();
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe("a release step: npm run db:migrate, then processes with MIGRATE_ON_BOOT=0", () => {
  let database: EmptyDatabase;
  beforeAll(async () => {
    database = await emptyDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each(["server.ts", "jobs/worker.ts"] as const)(
    "%s refuses an unmigrated database in one line saying to run npm run db:migrate",
    async (entry) => {
      const result = await runEntryPoint(entry, {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        MIGRATE_ON_BOOT: "0",
        ...database.env,
      });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `Base de données non migrée : ${files.length} migration(s) sur ${files.length} en attente et MIGRATE_ON_BOOT=0 ; lancez npm run db:migrate (étape de release) avant de démarrer cette version.`,
      );
      // It ran nothing itself.
      expect(await pendingIn(database)).toBe(files.length);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "npm run db:migrate migrates and says so in one line, without credentials; a second run finds nothing",
    async () => {
      const first = await runMigrateCommand(database.env);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      const where = database.url
        ? `PostgreSQL ${new URL(database.url).host}${new URL(database.url).pathname}`
        : `PGlite (${database.pgliteDir})`;
      expect(first.stdout).toBe(
        `Base ${where} à jour : ${files.length} migrations appliquées (${files.length} au total).\n`,
      );
      if (database.url) {
        const { username, password } = new URL(database.url);
        expect(first.stdout).not.toContain("postgres://");
        expect(first.stdout).not.toContain(`${username}@`);
        if (password) expect(first.stdout).not.toContain(password);
      }
      expect(await pendingIn(database)).toBe(0);

      const second = await runMigrateCommand(database.env);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(`Base ${where} à jour : aucune migration à appliquer (${files.length} au total).\n`);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "then web and worker boot with MIGRATE_ON_BOOT=0 without entering the migrator",
    async () => {
      const bootBoth = async () => {
        for (const entry of ["server.ts", "jobs/worker.ts"] as const) {
          const app = await boot(entry, { ...database.env, MIGRATE_ON_BOOT: "0" });
          await app.stop();
          expect(logLines(app.output().stdout, "migrations appliquées")).toEqual([]);
        }
      };
      if (!database.url) return bootBoth();
      // On PostgreSQL, this test holds the migration lock all along: a process that tried to migrate would wait.
      const client = postgres(database.url, { max: 2, onnotice: () => {} });
      try {
        await withMigrationLock(client, bootBoth);
      } finally {
        await client.end();
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "npm run db:migrate fails with exit 1 and one line when the database is unreachable, the password unsaid",
    async () => {
      const result = await runMigrateCommand({ DATABASE_URL: "postgres://qf:mot-de-passe-secret@127.0.0.1:1/qf" });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        /^Migration impossible sur PostgreSQL 127\.0\.0\.1:1\/qf : [^\n]*ECONNREFUSED[^\n]*\n$/,
      );
      expect(result.stderr).not.toContain("mot-de-passe-secret");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
