import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHubeeClient, type HubeeClient } from "../../app/integrations/hubee/client.server.ts";

/**
 * A bare HTTP server standing for HubEE in tests of what the simulator cannot be made to send
 * (cut or endless bodies, other digest headers): each test answers as it likes.
 */
export interface HubeeTestServer {
  client(): HubeeClient;
  /** Answers the next requests; `path` is under /teledossiers/v1. */
  handle(handler: (req: http.IncomingMessage, res: http.ServerResponse, path: string) => void): void;
  close(): Promise<void>;
}

export async function startHubeeTestServer(): Promise<HubeeTestServer> {
  let handler: (req: http.IncomingMessage, res: http.ServerResponse, path: string) => void = (_req, res) =>
    res.writeHead(404).end();
  const server = http.createServer((req, res) => {
    handler(req, res, (req.url ?? "").replace(/^\/teledossiers\/v1/, ""));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    client: () =>
      createHubeeClient({
        apiUrl: `http://127.0.0.1:${port}`,
        tokens: { getToken: async () => "test-token", invalidate: () => {} },
      }),
    handle(next) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
