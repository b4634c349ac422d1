import { getConfig } from "./config.server";
import { getDatabase } from "./db.server";
import { createApiParticulierClient, type ApiParticulierClient } from "./integrations/api-particulier.server";
import { createHubeeClient } from "./integrations/hubee/client.server";
import { createHubeeSender, type HubeeSender } from "./integrations/hubee/sender.server";
import { createHubeeTokenProvider } from "./integrations/hubee/token.server";
import { keyFromBase64 } from "./utils/encryption.server";

/**
 * The composition root: the configured clients of the external systems, built
 * once per process. Routes and jobs take what they need from here.
 */
export interface Services {
  apiParticulier: ApiParticulierClient;
  hubeeSender: HubeeSender;
  encryptionKey: Buffer;
}

let services: Services | undefined;

export function getServices(): Services {
  if (!services) {
    const config = getConfig();
    const tokens = createHubeeTokenProvider({
      tokenUrl: config.HUBEE_TOKEN_URL,
      clientId: config.HUBEE_OSL_CLIENT_ID,
      clientSecret: config.HUBEE_OSL_CLIENT_SECRET,
      scope: "OSL",
    });
    services = {
      apiParticulier: createApiParticulierClient(config.API_PARTICULIER_URL),
      hubeeSender: createHubeeSender(createHubeeClient({ apiUrl: config.HUBEE_API_URL, tokens })),
      encryptionKey: keyFromBase64(config.ENCRYPTION_KEY),
    };
  }
  return services;
}

export { getDatabase };
