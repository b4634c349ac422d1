import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubeeTestServer, type HubeeTestServer } from "../../../tests/helpers/hubee-test-server.ts";
import { ERROR_BODY_LIMIT } from "./client.server";
import { HubeeError } from "./errors.server";

let server: HubeeTestServer;

beforeAll(async () => {
  server = await startHubeeTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** What the call threw (the test fails if it did not throw). */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable("the call should have failed"),
    (error: unknown) => error,
  );
}

describe("HubEE client, reading the answer's body", () => {
  it("turns an empty 2xx body into a transient HubeeError, outcome unknown (status null)", async () => {
    server.handle((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end());
    const error = await failure(server.client().requestJson({ method: "GET", path: "/notifications" }));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ status: null, transient: true });
    expect((error as Error).message).toBe("Réponse HubEE illisible (GET /notifications, HTTP 200)");
  });

  it("turns a non-JSON 2xx body (a gateway's page) into a transient HubeeError", async () => {
    server.handle((_req, res) => res.writeHead(201, { "Content-Type": "text/html" }).end("<html>maintenance</html>"));
    const error = await failure(server.client().requestJson({ method: "POST", path: "/folders", json: {} }));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ status: null, transient: true });
  });

  it("turns a timeout while the body arrives into a transient HubeeError", async () => {
    server.handle((_req, res) => {
      // Headers and the start of the body, then nothing.
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write('{"id":');
    });
    const error = await failure(server.client().requestJson({ method: "GET", path: "/cases/c1", timeoutMs: 300 }));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ status: null, transient: true });
    expect((error as Error).message).toMatch(/^Délai dépassé en lisant la réponse HubEE/);
  });

  it("still parses a JSON answer", async () => {
    server.handle((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end('[{"id":"n1"}]'));
    expect(await server.client().requestJson({ method: "GET", path: "/notifications" })).toEqual([{ id: "n1" }]);
  });
});

describe("HubEE client, reading an error's body", () => {
  it("reads HubEE's error code", async () => {
    server.handle((_req, res) =>
      res
        .writeHead(400, { "Content-Type": "application/json" })
        .end('{"errors":[{"code":400,"message":"Bad request : DUBOIS"}]}'),
    );
    const error = await failure(server.client().request({ method: "GET", path: "/cases/c1" }));
    expect(error).toMatchObject({ status: 400, code: 400, transient: false });
    expect((error as Error).message).not.toContain("DUBOIS");
  });

  it("reads a few KB of an error body at most, so an endless one cannot hold the call", async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    server.handle((_req, res) => {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.on("close", closed);
      // More than the limit at once, then a body that never ends.
      res.write("<html>".padEnd(ERROR_BODY_LIMIT * 4, " "));
    });
    const started = Date.now();
    const error = await failure(server.client().request({ method: "GET", path: "/cases/c1", timeoutMs: 5_000 }));
    // Without the bound, the body is read until the request's timeout.
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(error).toMatchObject({ status: 502, code: null, transient: true });
    // The rest was cancelled: the connection is released, not left hanging.
    await connectionClosed;
  });
});
