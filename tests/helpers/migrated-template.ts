import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client.ts";
import { createScratchPostgresDatabase } from "./test-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL: a migrated database each test file's database is created from (`template`). */
    migratedPostgresTemplate: string | null;
    /** PGlite: the file of a migrated data folder each test file's PGlite starts from. */
    migratedPgliteDump: string | null;
  }
}

/**
 * vitest global setup: the migrations run once per test run, on a template, and each test file's
 * database is a copy of it (`createTestDatabase`). Migrating a fresh database took 1.3 to 2.3 s on
 * PostgreSQL and 3 to 3.5 s on PGlite, for every one of the suite's databases; a copy takes about
 * 0.35 s and 0.5 to 0.8 s. The 61 files that use it (browser and pacing tests aside): 217 → 158 s
 * on PGlite, 128 → 111 s on PostgreSQL. The migrations themselves are still run from scratch by the
 * tests that are about them (migrations at boot, the migration lock), which do not use this helper.
 */
export default async function setup(project: TestProject) {
  const template = await createScratchPostgresDatabase();
  if (template) {
    // Closed before any copy: PostgreSQL copies a template nobody is connected to.
    const handle = await openDatabase({ databaseUrl: template.url, maxConnections: 2 });
    await handle.close();
    project.provide("migratedPostgresTemplate", template.name);
    project.provide("migratedPgliteDump", null);
    return () => template.drop();
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "portail-qf-pglite-"));
  const file = path.join(dir, "migrated.tar");
  const handle = await openDatabase({});
  const client = (handle.db as unknown as { $client: { dumpDataDir(compression: "none"): Promise<Blob> } }).$client;
  await writeFile(file, Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer()));
  await handle.close();
  project.provide("migratedPostgresTemplate", null);
  project.provide("migratedPgliteDump", file);
  return () => rm(dir, { recursive: true, force: true });
}
