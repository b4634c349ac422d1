import { getConfig } from "./config.server";
import { getDatabase } from "./db.server";
import { createApiParticulierClient, type ApiParticulierClient } from "./integrations/api-particulier/client.server";
import type { Database } from "../db/client.ts";
import {
  createTokenPacer,
  pacerOptionsFromConfig,
  type TokenPacer,
  type TokenPacerOptions,
} from "./integrations/api-particulier/token-pacer.server";
import { createHubeeClient } from "./integrations/hubee/client.server";
import { createHubeeSender, type HubeeSender } from "./integrations/hubee/sender.server";
import { createHubeeSubscriptionReader, type HubeeSubscriptionReader } from "./integrations/hubee/subscriptions.server";
import { createHubeeTokenProvider } from "./integrations/hubee/token.server";
import { keyFromBase64 } from "./utils/encryption.server";

/**
 * The composition root: the configured clients of the external systems, built
 * once per process. Routes and jobs take what they need from here.
 */
export interface Services {
  apiParticulier: ApiParticulierClient;
  /** Every call with a commune's API Particulier token goes through it (ADR 014). */
  apiParticulierPacer(db: Database): TokenPacer;
  hubeeSender: HubeeSender;
  /** HubEE's referential API, with the sender's (OSL) token: which communes can receive FormulaireQF. */
  hubeeSubscriptions: HubeeSubscriptionReader;
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
      apiParticulierPacer: pacerPerDatabase(pacerOptionsFromConfig(config)),
      hubeeSender: createHubeeSender(createHubeeClient({ apiUrl: config.HUBEE_API_URL, tokens })),
      hubeeSubscriptions: createHubeeSubscriptionReader(
        createHubeeClient({ apiUrl: config.HUBEE_API_URL, tokens, api: "referential" }),
      ),
      encryptionKey: keyFromBase64(config.ENCRYPTION_KEY),
    };
  }
  return services;
}

/** One pacer per database handle (tests switch handles; a pacer remembers the rows it created). */
function pacerPerDatabase(options: TokenPacerOptions): (db: Database) => TokenPacer {
  const pacers = new WeakMap<Database, TokenPacer>();
  return (db) => {
    let pacer = pacers.get(db);
    if (!pacer) pacers.set(db, (pacer = createTokenPacer(db, options)));
    return pacer;
  };
}

export { getDatabase };
