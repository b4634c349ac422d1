import type { FaultInjector } from "../shared/faults.ts";
import type { FranceConnectTokenIntrospection } from "../shared/types.ts";
import type { FixtureStore } from "./fixture-store.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { TokenRegistry } from "./token-registry.ts";
import type { TrafficStats } from "./traffic-stats.ts";

/** Everything the public routes need; one instance per simulator. */
export interface QfDeps {
  fixtures: FixtureStore;
  tokens: TokenRegistry;
  limiter: RateLimiter;
  stats: TrafficStats;
  faults: FaultInjector;
  introspectFranceConnectToken: (token: string) => Promise<FranceConnectTokenIntrospection | null>;
  /** Epoch milliseconds. */
  now: () => number;
}
