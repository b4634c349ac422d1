import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../tests/helpers/test-database.ts";
import { queryRows, type DatabaseHandle } from "./client.ts";
import { collectivities } from "./schema/index.ts";
import { DEMO_COLLECTIVITIES, seedDemo } from "./seed/demo.ts";

describe("database client", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("runs the committed migrations and answers a ping", async () => {
    expect(await handle.ping()).toBe(true);
    const tables = await queryRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["collectivities", "scheduled_runs"]));
  });

  it("seeds the demo communes idempotently", async () => {
    await seedDemo(handle.db);
    await seedDemo(handle.db);
    const rows = await handle.db.select().from(collectivities);
    expect(rows).toHaveLength(DEMO_COLLECTIVITIES.length);
    expect(rows.find((c) => c.codeCog === "2A004")?.name).toBe("Ajaccio");
    expect(rows.find((c) => c.name === "Quimper")?.status).toBe("inactive");
  });

  it("gives raw SQL rows the same shape on both drivers", async () => {
    const rows = await queryRows<{ n: number; label: string }>(
      handle.db,
      sql`select 42::int as n, 'quarante-deux' as label`,
    );
    expect(rows).toEqual([{ n: 42, label: "quarante-deux" }]);
  });

  it("enforces the SIRET and COG formats in the database too", async () => {
    await expect(
      handle.db.insert(collectivities).values({ name: "X", siret: "123", codeCog: "49007", departement: "49" }),
    ).rejects.toThrow();
    await expect(
      handle.db
        .insert(collectivities)
        .values({ name: "X", siret: "21490007900099", codeCog: "ABCDE", departement: "49" }),
    ).rejects.toThrow();
  });
});
