import type { AppLoadContext } from "@remix-run/node";

/** The load context server.ts gives routes, for tests that call loaders and actions directly. */
export function testLoadContext(overrides: Partial<AppLoadContext> = {}): AppLoadContext {
  return { cspNonce: "test-nonce", requestId: "test-request", clientIp: "192.0.2.1", ...overrides };
}
