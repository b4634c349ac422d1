import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { processSingleton } from "~/utils/process-singleton.server";

/**
 * The process's Prometheus metrics (web or worker). Labels are bounded by construction: route
 * ids, job names, external systems and outcome classes; never a SIRET, an e-mail, an id or a
 * path with parameters, so no label can carry personal data or grow without end.
 */
export const METRICS_PREFIX = "portailqf_";

/**
 * One set per process (processSingleton): the Remix build's copy of this module records the calls
 * its routes make (API Particulier, HubEE) in the same registry server.ts serves on /metrics.
 */
const metrics = processSingleton("metrics", () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  return {
    registry,
    httpRequests: new Histogram({
      name: `${METRICS_PREFIX}http_request_duration_seconds`,
      help: "Requêtes HTTP servies, par route Remix (id), méthode et statut.",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    externalCalls: new Histogram({
      name: `${METRICS_PREFIX}external_call_duration_seconds`,
      help: "Appels aux systèmes externes (HubEE, API Particulier…), par système et issue.",
      labelNames: ["system", "outcome"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    jobRuns: new Histogram({
      name: `${METRICS_PREFIX}job_duration_seconds`,
      help: "Exécutions des tâches du worker, par tâche et issue (success, failure).",
      labelNames: ["job", "outcome"] as const,
      buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers: [registry],
    }),
    jobLastSuccess: new Gauge({
      name: `${METRICS_PREFIX}job_last_success_timestamp_seconds`,
      help: "Heure (epoch) de la dernière exécution réussie de chaque tâche dans ce processus.",
      labelNames: ["job"] as const,
      // Several web processes on one machine (WEB_PROCESSES): a time is not summed across them.
      aggregator: "max",
      registers: [registry],
    }),
    rateLimitedCalls: new Counter({
      name: `${METRICS_PREFIX}external_rate_limited_total`,
      help: "Réponses 429 reçues des systèmes externes, par système.",
      labelNames: ["system"] as const,
      registers: [registry],
    }),
  };
});

export const { registry, httpRequests, externalCalls, jobRuns, jobLastSuccess, rateLimitedCalls } = metrics;
