import { FaultInjector } from "../shared/faults.ts";
import type { FranceConnectTokenIntrospection, SimulatorModule } from "../shared/types.ts";
import { createAdminRouter } from "./admin-router.ts";
import { demoTokens } from "./demo-tokens.ts";
import { injectedFaultResponder } from "./fault-responder.ts";
import { FixtureStore } from "./fixture-store.ts";
import { createPublicRouter } from "./public-router.ts";
import type { QfDeps } from "./qf-deps.ts";
import { DEFAULT_BAN_SECONDS, RateLimiter, type RateLimitSettings } from "./rate-limiter.ts";
import { simulatorStateSchema, type SimulatorState } from "./simulator-state.ts";
import { TokenRegistry, type ApiParticulierToken, type ApiParticulierTokenInput } from "./token-registry.ts";
import {
  TrafficStats,
  type DensestWindow,
  type RequestLogEntry,
  type RetryAfterViolation,
  type TokenTraffic,
  type TrafficState,
} from "./traffic-stats.ts";

export { FC_NOT_FOUND_LOGIN, FC_QF_4270_LOGIN, FC_USER_FIXTURES } from "./fc-user-fixtures.ts";
export {
  DEMO_TOKEN_BLACKLISTED,
  DEMO_TOKEN_EXPIRED,
  DEMO_TOKEN_QF_VALUE_ONLY,
  DEMO_TOKEN_WITHOUT_QF_SCOPE,
} from "./demo-tokens.ts";
export { SYNTHETIC_PREFIX } from "./synthetic-population.ts";
export { ALL_QF_SCOPES } from "./scopes.ts";
export type {
  ApiParticulierToken,
  ApiParticulierTokenInput,
  DensestWindow,
  RateLimitSettings,
  RequestLogEntry,
  RetryAfterViolation,
};

export const API_PARTICULIER_ROUTE_PREFIX = "/api-particulier";

export interface ApiParticulierSimulatorOptions {
  /** Asks the FranceConnect simulator about a citizen's access token (its checktoken). */
  introspectFranceConnectToken: (token: string) => Promise<FranceConnectTokenIntrospection | null>;
  /** Default per-token limit (production: 20), changeable at runtime through the admin API. */
  rateLimitPerSecond: number;
  /** Ban length after ignoring Retry-After; default 12 h like production. */
  banSeconds?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  /** Draws of fault injection (which request fails, how long jitter lasts), in [0, 1); for tests. */
  random?: () => number;
}

export interface ApiParticulierStats {
  rateLimit: RateLimitSettings & { window: "sliding-1s" };
  totals: TrafficState["totals"];
  tokens: Record<string, TokenTraffic & { banned: boolean; bannedUntil: string | null }>;
  bans: Array<{ token: string; bannedUntil: string }>;
  identities: TrafficState["identities"];
}

export interface ApiParticulierSimulator extends SimulatorModule {
  name: "apiParticulier";
  stats(): ApiParticulierStats;
  requests(filter?: { limit?: number; token?: string }): RequestLogEntry[];
  /** Epoch ms of every arrival with that token since the last reset (the last 200 000). */
  arrivals(token: string): number[];
  setRateLimit(settings: Partial<RateLimitSettings>): RateLimitSettings;
  addToken(input: ApiParticulierTokenInput): ApiParticulierToken;
  tokens(): ApiParticulierToken[];
  faults: FaultInjector;
  fixtures: FixtureStore;
  snapshot(): SimulatorState;
}

/**
 * API Particulier v3, quotient familial routes only, as the app sees it:
 * `/api-particulier/v3/dss/quotient_familial/{identite,france_connect}` with production's
 * errors, scopes, rate limit and ban, staging's fixtures, and a synthetic population.
 * See README.md in this folder.
 */
export async function createApiParticulierSimulator(
  opts: ApiParticulierSimulatorOptions,
): Promise<ApiParticulierSimulator> {
  const now = opts.now ?? Date.now;
  const defaultSettings: RateLimitSettings = {
    perSecond: opts.rateLimitPerSecond,
    banSeconds: opts.banSeconds ?? DEFAULT_BAN_SECONDS,
  };
  const limiter = new RateLimiter({ ...defaultSettings });
  const trafficStats = new TrafficStats();
  const deps: QfDeps = {
    fixtures: await FixtureStore.load(),
    tokens: new TokenRegistry(demoTokens()),
    limiter,
    stats: trafficStats,
    faults: new FaultInjector(injectedFaultResponder({ limiter, stats: trafficStats, now }), opts.random),
    introspectFranceConnectToken: opts.introspectFranceConnectToken,
    now,
  };

  const stats = (): ApiParticulierStats => {
    const traffic = deps.stats.report();
    const bans = deps.limiter.bans(now());
    const bannedUntil = new Map(bans.map((b) => [b.key, new Date(b.bannedUntil).toISOString()]));
    const tokens: ApiParticulierStats["tokens"] = {};
    for (const [token, t] of Object.entries(traffic.tokens)) {
      tokens[token] = { ...t, banned: bannedUntil.has(token), bannedUntil: bannedUntil.get(token) ?? null };
    }
    return {
      rateLimit: { ...deps.limiter.settings, window: "sliding-1s" },
      totals: traffic.totals,
      tokens,
      bans: [...bannedUntil].map(([token, until]) => ({ token, bannedUntil: until })),
      identities: traffic.identities,
    };
  };

  const reset = () => {
    deps.stats.reset();
    deps.limiter.clear();
    deps.limiter.settings = { ...defaultSettings };
    deps.faults.clear();
    deps.tokens.reset();
  };

  return {
    name: "apiParticulier",
    routes: [{ prefix: API_PARTICULIER_ROUTE_PREFIX, handler: createPublicRouter(deps) }],
    admin: createAdminRouter(deps, { stats, reset }),
    reset,
    snapshot: () => ({
      version: 1,
      settings: deps.limiter.settings,
      customTokens: deps.tokens.custom().map(({ demo: _demo, ...token }) => token),
      bans: deps.limiter.bans(now()).map((b) => ({ token: b.key, bannedUntil: b.bannedUntil })),
      traffic: deps.stats.report(),
    }),
    restore(state: unknown) {
      const parsed = simulatorStateSchema.safeParse(state);
      // A state saved by an older simulator version is dropped rather than half-applied.
      if (!parsed.success) return;
      reset();
      deps.limiter.settings = parsed.data.settings;
      for (const token of parsed.data.customTokens) deps.tokens.add(token);
      for (const ban of parsed.data.bans) deps.limiter.restoreBan(ban.token, ban.bannedUntil);
      deps.stats.restore(parsed.data.traffic);
    },
    close: () => deps.faults.clear(),
    stats,
    requests: (filter) => deps.stats.requests(filter),
    arrivals: (token) => deps.stats.arrivals(token),
    setRateLimit(settings) {
      deps.limiter.settings = { ...deps.limiter.settings, ...settings };
      return deps.limiter.settings;
    },
    addToken: (input) => deps.tokens.add(input),
    tokens: () => deps.tokens.list(),
    faults: deps.faults,
    fixtures: deps.fixtures,
  };
}
