import net from "node:net";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

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

/**
 * A one-connection client whose current socket the test can reach; `onWrite` sees each chunk
 * the driver writes, just after it is written.
 */
function openClient(hooks: { onWrite?: (socket: net.Socket, chunk: string) => void } = {}): {
  sql: postgres.Sql;
  socket: () => net.Socket;
} {
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
        const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
        if (hooks.onWrite) {
          socket.write = ((chunk: unknown, ...rest: unknown[]) => {
            const written = write(chunk, ...rest);
            hooks.onWrite!(socket, Buffer.isBuffer(chunk) ? chunk.toString("latin1") : String(chunk));
            return written;
          }) as typeof socket.write;
        }
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

/** The ErrorResponse a backend sends when the server stops under it (`pg_ctl stop -m fast`). */
function fatalAdminShutdown(): Buffer {
  const fields = [
    ["S", "FATAL"],
    ["V", "FATAL"],
    ["C", "57P01"],
    ["M", "terminating connection due to administrator command"],
  ];
  const body = Buffer.concat([...fields.map(([code, text]) => Buffer.from(`${code}${text}\0`)), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
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

  describe("a new connection whose backend goes away while the driver reads the array types", () => {
    // A new connection's first statement is the driver's own catalog query (array types). When
    // PostgreSQL stops (pg_ctl stop, a failover) during that query, the backend sends FATAL 57P01
    // and closes. The unpatched driver then rejects the catalog query with nobody listening (an
    // unhandled rejection ends a Node process: seen in CI as a PostgreSQL restart during a HubEE
    // ingestion) and replays the dead backend's error onto the caller's query on the next socket.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled.length = 0;
      process.on("unhandledRejection", onUnhandled);
    });
    afterEach(() => {
      process.off("unhandledRejection", onUnhandled);
    });

    /** Kills the first socket that sends the catalog query, the way a stopping server does. */
    const killDuringArrayTypes = (withFatal: boolean) => {
      let killed = false;
      return openClient({
        onWrite: (socket, chunk) => {
          if (killed || !chunk.includes("typarray")) return;
          killed = true;
          queueMicrotask(() => {
            if (withFatal) socket.emit("data", fatalAdminShutdown());
            dropConnection(socket);
          });
        },
      });
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

    it("runs the caller's query on the next socket (FATAL then close)", async () => {
      sql = killDuringArrayTypes(true).sql;
      expect(await sql`select 1 as x`).toEqual([{ x: 1 }]);
      expect(await sql`select array[1, 2] as x`).toEqual([{ x: [1, 2] }]);
      await settle();
      expect(unhandled).toEqual([]);
    });

    it("runs a transaction on the next socket (close without a message)", async () => {
      sql = killDuringArrayTypes(false).sql;
      expect(await sql.begin(async (tx) => tx`select 1 as x`)).toEqual([{ x: 1 }]);
      await settle();
      expect(unhandled).toEqual([]);
    });

    it("hands a reserved connection (the migration lock's) opened on the next socket", async () => {
      sql = killDuringArrayTypes(true).sql;
      const reserved = await sql.reserve();
      expect(await reserved`select 1 as x`).toEqual([{ x: 1 }]);
      reserved.release();
      expect(await sql`select 2 as x`).toEqual([{ x: 2 }]);
      await settle();
      expect(unhandled).toEqual([]);
    });
  });

  it("fails a query in flight when its backend is terminated, and the next query does not inherit that error", async () => {
    const client = openClient();
    sql = client.sql;
    await sql`select 1`;
    const socket = client.socket();
    // A query runs when awaited or executed: execute it now, so it is in flight when the backend dies.
    const inFlight = sql`select pg_sleep(5)`.execute();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.emit("data", fatalAdminShutdown());
    dropConnection(socket);
    await expect(inFlight).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
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
