import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { describeDatabaseError, exitOnUncaughtErrors, loadConfigOrExit, onShutdown } from "./app/boot.server.ts";
import { closeDatabase, initDatabase } from "./app/db.server.ts";
import { crossOriginProtection } from "./app/http/cross-origin-protection.server.ts";
import { requestContext } from "./app/http/request-context.server.ts";
import { serverTiming } from "./app/http/server-timing.server.ts";
import { cspNonce, securityHeaders } from "./app/http/security-headers.server.ts";
import { noStoreForPersonalPages, requestBodyGuard } from "./app/http/request-guards.server.ts";
import { logger } from "./app/utils/logger.server.ts";
import { createRouteLabeler, httpMetrics } from "./app/metrics/http-metrics.server.ts";
import { setupMetrics } from "./app/metrics/setup.server.ts";
import { seedDemo } from "./db/seed/demo.ts";
import { seedDemoTransmissions } from "./db/seed/demo-transmissions.ts";
import { keyFromBase64 } from "./app/utils/encryption.server.ts";
import { startWorker } from "./jobs/worker-runtime.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { isClusterWebProcess, runWebCluster } from "./app/web-cluster.server.ts";

// Web entry point: configuration, database (migrated), then HTTP. With
// RUN_WORKER=1 the worker runs in this process too (PGlite is one process only).
// With WEB_PROCESSES > 1 this process becomes the cluster's primary (web-cluster.server.ts): it
// migrates, then forks that many web processes, each of which runs this file again.
exitOnUncaughtErrors();
const config = loadConfigOrExit();
const primaryOfCluster = cluster.isPrimary && config.WEB_PROCESSES > 1;

let database;
try {
  database = await initDatabase();
  // The primary seeded before forking: the web processes of a cluster do not seed again.
  if (config.demoMode && process.env.NODE_ENV !== "test" && !isClusterWebProcess()) {
    await seedDemo(database.db);
    // `npm start` asks for sample transmissions (real outbox, HubEE and inbox path); tests start empty.
    if (process.env.SEED_DEMO_TRANSMISSIONS === "1") {
      await seedDemoTransmissions(database.db, keyFromBase64(config.ENCRYPTION_KEY));
    }
  }
} catch (error) {
  process.stderr.write(`${describeDatabaseError(config, error)}\n`);
  process.exit(1);
}

if (primaryOfCluster) {
  await runWebCluster({ config, db: database.db });
} else {
  await serveWeb(database);
}

async function serveWeb(database: DatabaseHandle) {
  const buildPath = path.resolve(process.env.REMIX_BUILD_PATH ?? "build/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  const metrics = await setupMetrics(config, database.db);

  const app = express();
  app.disable("x-powered-by");
  // Behind one reverse proxy in production: trust its X-Forwarded-* for the client IP.
  app.set("trust proxy", config.demoMode ? false : 1);
  app.use(httpMetrics(createRouteLabeler(build.routes)));
  app.use(requestContext);
  if (config.SERVER_TIMING === "on") app.use(serverTiming());
  app.use(cspNonce);
  app.use(
    securityHeaders({
      production: !config.demoMode,
      loginProviderOrigins: [new URL(config.FRANCECONNECT_ISSUER).origin, new URL(config.PROCONNECT_ISSUER).origin],
    }),
  );
  // Forms posted by a browser from another site are refused; DataPass (server to server, signed) is exempt.
  // One-click unsubscribe (RFC 8058) is posted by mail providers; its signed token turns one mail off, nothing more.
  app.use(
    crossOriginProtection({
      exempt: (path) => path === "/api/datapass/webhook" || path.startsWith("/courriels/desabonnement/"),
    }),
  );
  app.use(requestBodyGuard());
  app.use(noStoreForPersonalPages);
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // public/ holds build/ and dsfr/ only: a static handler at the root would stat the disk for every page.
  app.use("/dsfr", express.static("public/dsfr", { maxAge: "1h" }));
  // Browsers ask for /favicon.ico whatever the page declares.
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/dsfr/favicon/favicon.ico"));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce,
        requestId: res.locals.requestId,
        // Honours "trust proxy": the client's address behind our reverse proxy, for rate limits.
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
    }),
  );

  const server = http.createServer(app);
  const worker = process.env.RUN_WORKER === "1" ? await startWorker({ db: database.db, config }) : null;
  server.listen(config.PORT, () => {
    // In a cluster the primary says it once all its processes listen.
    const message = isClusterWebProcess() ? "processus web prêt" : "serveur web démarré";
    logger.info({ port: config.PORT, driver: database.driver, worker: Boolean(worker) }, message);
  });

  onShutdown(async () => {
    await worker?.stop();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Long-polling or slow clients must not hold the shutdown past the grace period.
      setTimeout(() => {
        server.closeAllConnections();
        resolve();
      }, 1_500).unref();
    });
    await metrics?.close();
    await closeDatabase();
  });
}
