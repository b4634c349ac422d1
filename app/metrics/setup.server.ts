import type { Config } from "~/config.server";
import type { Database } from "../../db/client.ts";
import { registerDatabaseMetrics } from "./database-metrics.server";
import { registerExternalSystem } from "./external-calls.server";
import { startMetricsServer } from "./metrics-server.server";
import { registry } from "./registry.server";
import { isClusterWebProcess, shareMetricsWithPrimary } from "~/web-cluster.server";

let databaseMetricsRegistered = false;

/**
 * Names the external systems by their configured origins (labels of the external-call metrics)
 * and, when METRICS_PORT is set, serves /metrics with the database's gauges. Called once by the
 * web and the worker entry points.
 */
export async function setupMetrics(config: Config, db: Database) {
  registerExternalSystem(config.API_PARTICULIER_URL, "api_particulier");
  registerExternalSystem(config.HUBEE_API_URL, "hubee");
  registerExternalSystem(config.HUBEE_TOKEN_URL, "hubee_auth");
  registerExternalSystem(config.FRANCECONNECT_ISSUER, "franceconnect");
  registerExternalSystem(config.PROCONNECT_ISSUER, "proconnect");
  if (config.METRICS_PORT === undefined) return null;
  // One of several web processes (WEB_PROCESSES): the cluster's primary serves the machine's metrics.
  if (isClusterWebProcess()) {
    shareMetricsWithPrimary(registry);
    return null;
  }
  if (!databaseMetricsRegistered) {
    registerDatabaseMetrics(db);
    databaseMetricsRegistered = true;
  }
  return startMetricsServer(config.METRICS_PORT);
}
