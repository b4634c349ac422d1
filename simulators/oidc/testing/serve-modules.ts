import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { SimulatorModule } from "../../shared/types.ts";

export interface TestServer<M> {
  /** e.g. http://localhost:43210 */
  url: string;
  modules: M;
  close(): Promise<void>;
}

/**
 * Mounts simulator modules on a fresh express server on a random port, the way
 * simulators/server.ts does (admin at /__admin/<name>), for tests that must not
 * depend on the other simulators.
 */
export async function serveModules<M extends Record<string, SimulatorModule>>(
  build: (baseUrl: string) => Promise<M>,
): Promise<TestServer<M>> {
  const app = express();
  const server = http.createServer(app);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  const modules = await build(url);
  for (const m of Object.values(modules)) {
    app.use(`/__admin/${m.name}`, m.admin);
    for (const route of m.routes) app.use(route.prefix, route.handler);
  }
  return {
    url,
    modules,
    async close() {
      for (const m of Object.values(modules)) await m.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
