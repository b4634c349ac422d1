import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { SimulatorModule } from "../../shared/types.ts";

export interface TestServer {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** Base of the QF routes: `${url}/api-particulier/v3/dss/quotient_familial`. */
  qfUrl: string;
  adminUrl: string;
  close(): Promise<void>;
}

/**
 * Mounts one simulator module on its own express app, on a random port, the way
 * simulators/server.ts does, without depending on the other simulators.
 */
export async function startTestServer(module: SimulatorModule): Promise<TestServer> {
  const app = express();
  app.use(`/__admin/${module.name}`, module.admin);
  for (const route of module.routes) app.use(route.prefix, route.handler);
  const server = http.createServer(app);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    qfUrl: `${url}/api-particulier/v3/dss/quotient_familial`,
    adminUrl: `${url}/__admin/${module.name}`,
    async close() {
      await module.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
