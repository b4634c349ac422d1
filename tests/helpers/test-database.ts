import crypto from "node:crypto";
import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { inject } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";

/**
 * A migrated database for one test file: in-process PGlite by default, or a
 * fresh PostgreSQL database when TEST_DATABASE_URL is set. A database (not a
 * schema) per file, because drizzle-kit's migrations name the "public" schema.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const dump = inject("migratedPgliteDump");
  const template = inject("migratedPostgresTemplate");
  // A copy of the run's migrated template (tests/helpers/migrated-template.ts) when there is one.
  const scratch = await createScratchPostgresDatabase(template ?? undefined);
  if (!scratch) {
    return openDatabase(dump ? { pgliteDataDump: new Blob([await readFile(dump)]) } : {});
  }
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}

/**
 * An empty PostgreSQL database (for child processes that migrate it themselves),
 * or undefined when the tests run on PGlite.
 */
export async function createScratchPostgresDatabase(
  template?: string,
): Promise<{ name: string; url: string; drop(): Promise<void> } | undefined> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) return undefined;
  const name = `portail_qf_test_${Date.now().toString(36)}_${crypto.randomBytes(4).toString("hex")}`;
  await withAdmin(baseUrl, (sql) =>
    sql.unsafe(`create database "${name}"${template ? ` template "${template}"` : ""}`),
  );
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin(baseUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)),
  };
}

async function withAdmin(baseUrl: string, run: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await run(sql);
  } finally {
    await sql.end();
  }
}
