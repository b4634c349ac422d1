import net from "node:net";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";

/**
 * postgres.js 3.4.9 buffers small writes behind a setImmediate. When the socket closes between
 * the buffering and the flush (a PostgreSQL restart, a failover, a proxy dropping connections),
 * the unpatched driver either throws from the immediate (the process dies) or keeps a stale
 * timer that stops every later write, so the connection hangs forever on its next startup (the
 * CI saw the HubEE ingestion hang after a PostgreSQL restart). `patches/postgres+3.4.9.patch`
 * mends both; these tests replay the two races deterministically.
 */

const databaseUrl = process.env.TEST_DATABASE_URL;

let sql: postgres.Sql | undefined;
const realSetImmediate = globalThis.setImmediate;
afterEach(async () => {
  globalThis.setImmediate = realSetImmediate;
  await sql?.end({ timeout: 1 });
  sql = undefined;
});

/** A one-connection client whose current socket the test can reach. */
function openClient(): { sql: postgres.Sql; socket: () => net.Socket } {
  const url = new URL(databaseUrl!);
  let current: net.Socket | undefined;
  // `socket` (a factory for the connection's socket) is documented but missing from the types.
  const options = {
    max: 1,
    connect_timeout: 3,
    onnotice: () => {},
    // With a socket factory the driver expects a connected socket.
    socket: () =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(Number(url.port || 5432), url.hostname);
        socket.once("connect", () => resolve((current = socket)));
        socket.once("error", reject);
      }),
  };
  const client = postgres(databaseUrl!, options);
  return { sql: client, socket: () => current! };
}

/** Runs `onSchedule` just after the driver next schedules its buffered write, before the flush. */
function onNextFlushScheduled(onSchedule: () => void): void {
  const patched = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    if (callback.name !== "nextWrite") return realSetImmediate(callback, ...args);
    globalThis.setImmediate = realSetImmediate;
    queueMicrotask(onSchedule);
    return realSetImmediate(callback, ...args);
  }) as typeof setImmediate;
  globalThis.setImmediate = patched;
}

/** What a dropped connection looks like to the driver: a 'close' event, then nothing. */
function dropConnection(socket: net.Socket): void {
  socket.on("error", () => {});
  socket.emit("close", false);
  socket.destroy();
}

describe.skipIf(!databaseUrl)("postgres.js when the socket closes under a buffered write", () => {
  it("rejects a transaction's next query instead of crashing the process when its socket has closed", async () => {
    const client = openClient();
    sql = client.sql;
    await sql`select 1`;

    // A PostgreSQL restart in the middle of a transaction: the socket closes between two of its
    // queries, and the next one is written to a connection that has no socket any more.
    const transaction = sql.begin(async (tx) => {
      await tx`select 1`;
      dropConnection(client.socket());
      await tx`select 2 as x`;
    });

    await expect(transaction).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    // The client reconnects for the next query.
    expect(await sql`select 3 as x`).toEqual([{ x: 3 }]);
  });

  it("reconnects after a close that cancelled a pending flush, instead of hanging", async () => {
    const client = openClient();
    sql = client.sql;
    await sql`select 1`;
    const socket = client.socket();
    onNextFlushScheduled(() => dropConnection(socket));

    await expect(sql`select 2 as x`).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    expect(await sql`select 3 as x`).toEqual([{ x: 3 }]);
  }, 15_000);
});
