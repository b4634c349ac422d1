import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.ts";
import { safeErrorMessage, serializeError } from "./safe-error";

/** Real driver errors, from PGlite and (when the tests run on it) PostgreSQL through postgres.js. */
const handles: DatabaseHandle[] = [];
beforeAll(async () => {
  handles.push(await openDatabase({ migrate: false }));
  if (process.env.TEST_DATABASE_URL) {
    handles.push(await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, migrate: false, maxConnections: 1 }));
  }
});
afterAll(async () => {
  for (const handle of handles) await handle.close();
});

async function failure(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<unknown> {
  try {
    await handle.db.execute(query);
  } catch (error) {
    return error;
  }
  throw new Error("the query should have failed");
}

describe("safe errors", () => {
  it("logs a failed query's SQL and the server's codes, never its bound values or the value refused", async () => {
    for (const handle of handles) {
      const error = await failure(
        handle,
        sql`select ${"DUBOIS Angela"}::uuid as family, ${"1962-08-24"}::date as born, ${"angela@example.fr"} as email`,
      );
      const logged = JSON.stringify(serializeError(error));
      expect(logged, handle.driver).not.toContain("DUBOIS");
      expect(logged).not.toContain("1962");
      expect(logged).not.toContain("angela@example.fr");
      expect(serializeError(error)).toMatchObject({
        type: "DrizzleQueryError",
        message: expect.stringMatching(/^Failed query: select \$1::uuid/),
        stack: expect.stringMatching(/^DrizzleQueryError: Failed query: .*\n\s+at /),
        cause: { code: "22P02", message: "invalid input syntax for type uuid: …" },
      });
    }
  });

  it("keeps the constraint and table of a violated constraint, not the row", async () => {
    for (const handle of handles) {
      await handle.db.execute(sql`create temporary table people (email text constraint people_email_key unique)`);
      await handle.db.execute(sql`insert into people values (${"angela@example.fr"})`);
      const error = await failure(handle, sql`insert into people values (${"angela@example.fr"})`);
      const cause = serializeError(error).cause as Record<string, unknown>;
      expect(cause, handle.driver).toMatchObject({ code: "23505", constraint: "people_email_key", table: "people" });
      expect(JSON.stringify(serializeError(error))).not.toContain("angela");
      await handle.db.execute(sql`drop table people`);
    }
  });

  it("keeps the message of our own errors, follows causes, and describes non-errors by type only", () => {
    const wrapped = new Error("livraison impossible", { cause: new TypeError("fetch failed") });
    expect(serializeError(wrapped)).toMatchObject({
      message: "livraison impossible",
      cause: { type: "TypeError", message: "fetch failed" },
    });
    expect(safeErrorMessage(new RangeError("invalid rate limit options"))).toBe("invalid rate limit options");
    expect(serializeError({ email: "x@example.fr" })).toEqual({ type: "object" });
    const http = Object.assign(new Error("HubEE a refusé POST /folders (HTTP 400)"), { status: 400, code: "E42" });
    expect(serializeError(http)).toMatchObject({ status: 400, code: "E42" });
  });
});
