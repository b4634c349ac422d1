import { processSingleton } from "~/utils/process-singleton.server";
import { externalCalls, rateLimitedCalls } from "./registry.server";

/**
 * Which external system a URL belongs to, from the base URLs configured at startup (the longest
 * that prefixes it: the simulators share one origin, the real services may too). Anything else
 * (a commune's webhook endpoint, say) is "other": its host is not a label we may keep. One list
 * per process: server.ts registers, the Remix build's copy of this module labels the routes' calls.
 */
const systems = processSingleton("external-systems", (): { prefix: string; system: string }[] => []);

export function registerExternalSystem(baseUrl: string, system: string) {
  const prefix = baseUrl.replace(/\/+$/, "");
  if (systems.some((entry) => entry.prefix === prefix)) return;
  systems.push({ prefix, system });
  systems.sort((a, b) => b.prefix.length - a.prefix.length);
}

export function externalSystemOf(url: string): string {
  const match = systems.find(
    ({ prefix }) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`),
  );
  return match?.system ?? "other";
}

export type ExternalCallOutcome =
  "success" | "client_error" | "rate_limited" | "server_error" | "timeout" | "network_error";

export function outcomeOfStatus(status: number): ExternalCallOutcome {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  return "success";
}

/** Records one call (each attempt of a retried call counts). */
export function observeExternalCall(url: string, outcome: ExternalCallOutcome, seconds: number) {
  const system = externalSystemOf(url);
  externalCalls.observe({ system, outcome }, seconds);
  if (outcome === "rate_limited") rateLimitedCalls.inc({ system });
}
