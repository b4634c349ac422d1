import { FaultInjector } from "../shared/faults.ts";
import type { SimulatorModule } from "../shared/types.ts";
import { createAdminRouter, type FaultTarget } from "./admin.ts";
import { createApiRouter } from "./api-router.ts";
import { demoClients } from "./clients.ts";
import { sendInjectedError } from "./errors.ts";
import { injectFolder, type InjectFolderInput } from "./injection.ts";
import type { StoredFolder, StoredNotification } from "./model.ts";
import { notificationQueues } from "./notifications.ts";
import { loadHubeeSpec } from "./openapi-spec.ts";
import type { ApiContext } from "./operations.ts";
import { seedDemoState } from "./seed.ts";
import { HubeeStore, isHubeeSnapshot, type HubeeSnapshot } from "./store.ts";
import { createTokenRouter, sendInjectedTokenError } from "./token-endpoint.ts";
import { TokenService } from "./tokens.ts";

export type { InjectFolderInput } from "./injection.ts";
export type { HubeeSnapshot } from "./store.ts";
export type * from "./model.ts";
export { INJECTED_SENDER_OSL, PORTAIL_QF_OSL, organizationKey } from "./organizations.ts";

export interface HubeeSimulatorOptions {
  /** Access token lifetime (the real one: 3600). Admin `POST /token-ttl` changes it at runtime. */
  tokenTtlSeconds: number;
  /** Clock for dates written in folders, events and notifications. */
  now?: () => Date;
}

export interface HubeeSimulator extends SimulatorModule {
  name: "hubee";
  snapshot(): HubeeSnapshot;
  store: HubeeStore;
  tokens: TokenService;
  faults: Record<FaultTarget, FaultInjector>;
  /** A completed folder from another OSL, as admin `POST /folders/inject`. */
  injectFolder(input: InjectFolderInput): StoredFolder;
  setTokenTtl(seconds: number): void;
  expireTokens(): void;
  folders(): StoredFolder[];
  notificationQueues(): Record<string, Record<string, StoredNotification[]>>;
  attachmentBytes(attachmentId: string): Buffer | undefined;
}

/**
 * HubEE: the API (`/hubee/teledossiers/v1`, `/hubee/referential/v1`) and its
 * token endpoint (`/hubee-auth/oauth2/token`), with the demo communes' and
 * Portail QF's credentials (demo-data.ts).
 */
export async function createHubeeSimulator(opts: HubeeSimulatorOptions): Promise<HubeeSimulator> {
  const spec = await loadHubeeSpec();
  const now = opts.now ?? (() => new Date());
  const store = new HubeeStore();
  const tokens = new TokenService(store, demoClients(), opts.tokenTtlSeconds);
  const faults: Record<FaultTarget, FaultInjector> = {
    api: new FaultInjector(sendInjectedError),
    token: new FaultInjector(sendInjectedTokenError),
  };
  const ctx: ApiContext = { store, tokens, spec, now, registered: new Set() };

  const reset = () => {
    tokens.ttlSeconds = opts.tokenTtlSeconds;
    tokens.resetClients(demoClients());
    faults.api.clear();
    faults.token.clear();
    seedDemoState(store, now());
  };
  reset();
  const inject = (input: InjectFolderInput) => injectFolder(store, input, now());

  return {
    name: "hubee",
    routes: [
      { prefix: "/hubee", handler: createApiRouter(ctx, faults.api) },
      { prefix: "/hubee-auth", handler: createTokenRouter(tokens, faults.token) },
    ],
    admin: createAdminRouter({ store, tokens, faults, reset, injectFolder: inject }),
    reset,
    snapshot: () => store.snapshot(),
    restore(state) {
      // A state file from an older format must not prevent the simulators from starting.
      if (isHubeeSnapshot(state)) store.load(state);
      else if (process.env.NODE_ENV !== "test") console.warn("[hubee simulator] ignoring unreadable saved state");
    },
    close() {
      faults.api.clear();
      faults.token.clear();
    },
    store,
    tokens,
    faults,
    injectFolder: inject,
    setTokenTtl(seconds) {
      tokens.ttlSeconds = seconds;
    },
    expireTokens: () => tokens.expireAll(),
    folders: () => [...store.folders.values()].map((f) => structuredClone(f)),
    notificationQueues: () => notificationQueues(store),
    attachmentBytes: (attachmentId) => store.blobs.get(attachmentId),
  };
}
