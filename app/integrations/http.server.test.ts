import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchWithTimeout, HttpNetworkError, HttpTimeoutError } from "./http.server";

const servers: http.Server[] = [];
let base: string;

/** Blocks the event loop, as a process starved of CPU or busy with other answers would. */
function busyFor(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

beforeAll(async () => {
  const server = http.createServer((req, res) => {
    if (req.url === "/vite") return void res.end('{"ok":true}');
    if (req.url === "/jamais") return; // never answers
    if (req.url === "/puis-occupe") {
      // The answer leaves at once; then this process stays busy past the caller's deadline inside
      // an I/O callback (the poll phase), like a worker handling database answers.
      res.end('{"ok":true}');
      busyFor(300);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("fetchWithTimeout", () => {
  it("returns an answer that comes in time", async () => {
    const response = await fetchWithTimeout(`${base}/vite`, { timeoutMs: 2_000 });
    expect(await response.json()).toEqual({ ok: true });
  });

  it("gives up on a silent service after its timeout, as a typed error", async () => {
    const started = performance.now();
    const call = fetchWithTimeout(`${base}/jamais`, { timeoutMs: 150 });
    await expect(call).rejects.toBeInstanceOf(HttpTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("reads an answer already received when a busy process reaches the deadline, instead of dropping it", async () => {
    // Dropping it would make the caller retry a call the service has already served and counted
    // (a second API Particulier call for the same family).
    for (let round = 0; round < 3; round++) {
      const response = await fetchWithTimeout(`${base}/puis-occupe`, { timeoutMs: 100 });
      expect(await response.json()).toEqual({ ok: true });
    }
  });

  it("passes on the caller's own cancellation as such, not as a timeout", async () => {
    const controller = new AbortController();
    const call = fetchWithTimeout(`${base}/jamais`, { timeoutMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
  });

  it("reports a refused connection as a network error", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchWithTimeout(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(
      HttpNetworkError,
    );
  });
});
