import http from "node:http";
import type { AddressInfo } from "node:net";
import { logger } from "~/utils/logger.server";
import { registry } from "./registry.server";

/**
 * Serves GET /metrics on its own port, apart from the application's: the metrics are for the
 * operators' Prometheus, on the private network, never for the public.
 */
export async function startMetricsServer(
  port: number,
  host = "0.0.0.0",
  source: { contentType: string; metrics(): Promise<string> } = registry,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Introuvable\n");
      return;
    }
    source
      .metrics()
      .then((body) => res.writeHead(200, { "Content-Type": source.contentType }).end(body))
      .catch((error: unknown) => {
        logger.error({ err: error }, "métriques indisponibles");
        res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("Métriques indisponibles\n");
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  logger.info({ port: actualPort }, "métriques Prometheus servies sur /metrics");
  return {
    port: actualPort,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
