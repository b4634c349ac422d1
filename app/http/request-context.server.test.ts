import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentLogContext } from "~/utils/log-context.server";
import { requestContext } from "./request-context.server";

let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(requestContext);
  // What a loader would log with, read after an await as a loader's lines are.
  app.get("/contexte", async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.json(currentLogContext());
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("request context", () => {
  it("gives each request its own id, in the response header and in the log context of its handlers", async () => {
    const [a, b] = await Promise.all([fetch(`${base}/contexte`), fetch(`${base}/contexte`)]);
    const idA = a.headers.get("x-request-id");
    const idB = b.headers.get("x-request-id");
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idB).not.toBe(idA);
    expect(await a.json()).toEqual({ requestId: idA });
    expect(await b.json()).toEqual({ requestId: idB });
  });

  it("keeps a well-formed id from the proxy and replaces a hostile one", async () => {
    const kept = await fetch(`${base}/contexte`, { headers: { "X-Request-Id": "proxy-abc-123" } });
    expect(kept.headers.get("x-request-id")).toBe("proxy-abc-123");
    expect(await kept.json()).toEqual({ requestId: "proxy-abc-123" });
    const replaced = await fetch(`${base}/contexte`, { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
