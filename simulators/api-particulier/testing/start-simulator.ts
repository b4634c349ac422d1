import { createApiParticulierSimulator, type ApiParticulierSimulatorOptions } from "../index.ts";
import { FakeFranceConnect } from "./fake-franceconnect.ts";
import { startTestServer } from "./start-test-server.ts";

/**
 * A simulator on its own port with a fake FranceConnect. The default limit is high so
 * that tests not about rate limiting never meet it.
 */
export async function startSimulator(options: Partial<ApiParticulierSimulatorOptions> = {}) {
  const franceConnect = new FakeFranceConnect();
  const simulator = await createApiParticulierSimulator({
    introspectFranceConnectToken: franceConnect.introspect,
    rateLimitPerSecond: 1000,
    ...options,
  });
  const server = await startTestServer(simulator);
  return { franceConnect, simulator, server };
}
