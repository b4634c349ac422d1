import crypto from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client.ts";

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
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (baseUrl) {
    const name = `portail_qf_template_${Date.now().toString(36)}_${crypto.randomBytes(4).toString("hex")}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}"`);
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      // Closed before any copy: PostgreSQL copies a template nobody is connected to.
      const handle = await openDatabase({ databaseUrl: url.toString(), maxConnections: 2 });
      await handle.close();
    } finally {
      await admin.end();
    }
    project.provide("migratedPostgresTemplate", name);
    project.provide("migratedPgliteDump", null);
    return async () => {
      const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists "${name}" with (force)`).finally(() => sql.end());
    };
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
