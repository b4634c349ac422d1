import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchPostgresDatabase } from "../tests/helpers/test-database.ts";
import { openDatabase, queryRows, type DatabaseHandle, type DbExecutor } from "./client.ts";
import { preparingStatements } from "./prepared-statements.ts";
import { collectivities } from "./schema/index.ts";

/**
 * What the query builder sends to PostgreSQL: named statements, parsed once per connection, with
 * plans still made for each execution's values. PostgreSQL only: PGlite has no protocol between
 * the app and the database.
 */
const adminUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!adminUrl)("prepared statements on PostgreSQL", () => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  const handles: DatabaseHandle[] = [];
  const open = async (preparedStatements?: boolean) => {
    const handle = await openDatabase({ databaseUrl: scratch!.url, maxConnections: 2, preparedStatements });
    handles.push(handle);
    return handle;
  };
  /**
   * The statements the connection has prepared that read the collectivities by siret. Prepared
   * statements belong to a connection: the tests run their queries and this one in one transaction.
   */
  const preparedBySiret = (db: DbExecutor) =>
    queryRows<{ statement: string }>(
      db,
      sql`select statement from pg_prepared_statements where statement like '%from "collectivities" where "collectivities"."siret" = $1%'`,
    );

  beforeAll(async () => {
    scratch = await createScratchPostgresDatabase();
  });
  afterAll(async () => {
    for (const handle of handles) await handle.close();
    await scratch?.drop();
  });

  it("prepares a query-builder query once per connection and plans it for its values", async () => {
    const handle = await open();
    await handle.db.transaction(async (tx) => {
      const bySiret = (siret: string) =>
        tx.select({ id: collectivities.id }).from(collectivities).where(eq(collectivities.siret, siret));
      expect(await bySiret("21490007900010")).toEqual([]);
      expect(await bySiret("21290232700019")).toEqual([]);
      expect(await preparedBySiret(tx)).toHaveLength(1);
      const [mode] = await queryRows<{ plan_cache_mode: string }>(tx, sql`show plan_cache_mode`);
      expect(mode!.plan_cache_mode).toBe("force_custom_plan");
    });
  });

  it("prepares inside savepoints too, and rolls back as before", async () => {
    const handle = await open();
    await expect(
      handle.db.transaction(async (tx) => {
        await tx
          .insert(collectivities)
          .values({ name: "A", siret: "21490007900010", codeCog: "49007", departement: "49" });
        await tx.transaction(async (savepoint) => {
          const found = await savepoint
            .select({ id: collectivities.id })
            .from(collectivities)
            .where(eq(collectivities.siret, "21490007900010"));
          expect(found).toHaveLength(1);
        });
        expect(await preparedBySiret(tx)).toHaveLength(1);
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await handle.db.select().from(collectivities)).toEqual([]);
  });

  it("sends unnamed statements when turned off (a pooler in transaction mode)", async () => {
    const handle = await open(false);
    await handle.db.transaction(async (tx) => {
      await tx.select({ id: collectivities.id }).from(collectivities).where(eq(collectivities.siret, "x"));
      expect(await preparedBySiret(tx)).toEqual([]);
      const [mode] = await queryRows<{ plan_cache_mode: string }>(tx, sql`show plan_cache_mode`);
      expect(mode!.plan_cache_mode).toBe("auto");
    });
  });
});

describe.skipIf(!adminUrl)("prepared statements: a bounded number per pool", () => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let client: postgres.Sql;
  beforeAll(async () => {
    scratch = await createScratchPostgresDatabase();
    // One connection: what it has prepared is what pg_prepared_statements shows to the next query.
    client = postgres(scratch!.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  it("prepares the first texts up to the bound, then sends new texts unnamed, and keeps preparing the admitted ones", async () => {
    const db = drizzle(preparingStatements(client, 2));
    const texts = () =>
      client`select statement from pg_prepared_statements where statement like 'select $1::int%' order by statement`.then(
        (rows) => rows.map((r) => r.statement as string),
      );
    // A query without parameters is a simple query: it takes no room.
    await db.execute(sql`select 1 as d`);
    for (const round of [1, 2]) {
      await db.execute(sql`select ${round}::int as a`);
      await db.execute(sql`select ${round}::int as b`);
      await db.execute(sql`select ${round}::int as c`);
    }
    expect(await texts()).toEqual(["select $1::int as a", "select $1::int as b"]);
  });
});
