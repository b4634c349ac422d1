export type QfRoute = "identite" | "france_connect";
export type TokenKind = "api_particulier" | "franceconnect";

/** Key used for requests that carry no bearer token at all. */
export const NO_TOKEN_KEY = "(none)";

export interface RequestLogEntry {
  id: number;
  at: string;
  route: QfRoute;
  token: string;
  tokenLabel: string | null;
  /** null when no answer was sent (timeout fault, client gone). */
  status: number | null;
  durationMs: number;
  identityKey: string | null;
  /** How the answer was made: `fixture:<id>`, `synthetic`, `not_found`, `rate_limited`, `banned`, `fault`… */
  outcome: string | null;
  query: string;
}

export interface TokenTraffic {
  kind: TokenKind;
  label: string | null;
  total: number;
  /** Highest number of requests that arrived within any sliding one-second interval. */
  maxPerSecond: number;
  /** 429 answers of every kind (limit reached, ban). */
  tooManyRequests: number;
  byStatus: Record<string, number>;
  lastSeenAt: string | null;
}

export interface IdentityTraffic {
  calls: number;
  byStatus: Record<string, number>;
}

export interface TrafficTotals {
  calls: number;
  maxPerSecond: number;
  byStatus: Record<string, number>;
}

export interface TrafficState {
  totals: TrafficTotals;
  tokens: Record<string, TokenTraffic>;
  identities: Record<string, IdentityTraffic>;
}

const WINDOW_MS = 1000;

/** Sliding count of arrivals over the last second, remembering its highest value. */
class ArrivalWindow {
  private arrivals: number[] = [];

  record(now: number, currentMax: number): number {
    this.arrivals.push(now);
    while (this.arrivals[0]! <= now - WINDOW_MS) this.arrivals.shift();
    return Math.max(currentMax, this.arrivals.length);
  }
}

/**
 * What the admin API reports: per token (calls, peak per second, 429s), per identity
 * (so a test can assert that no family was requested twice) and a bounded log.
 * Every arrival counts, refused ones included: the peak is the client's real pace.
 */
export class TrafficStats {
  private state: TrafficState = emptyState();
  private windows = new Map<string, ArrivalWindow>();
  private globalWindow = new ArrivalWindow();
  private log: RequestLogEntry[] = [];
  private nextId = 1;

  constructor(private readonly logSize = 1000) {}

  recordArrival(token: string, kind: TokenKind, now: number): void {
    const traffic = (this.state.tokens[token] ??= {
      kind,
      label: null,
      total: 0,
      maxPerSecond: 0,
      tooManyRequests: 0,
      byStatus: {},
      lastSeenAt: null,
    });
    traffic.total++;
    traffic.lastSeenAt = new Date(now).toISOString();
    let window = this.windows.get(token);
    if (!window) this.windows.set(token, (window = new ArrivalWindow()));
    traffic.maxPerSecond = window.record(now, traffic.maxPerSecond);
    this.state.totals.calls++;
    this.state.totals.maxPerSecond = this.globalWindow.record(now, this.state.totals.maxPerSecond);
  }

  recordCompletion(entry: Omit<RequestLogEntry, "id">): void {
    const status = entry.status === null ? "none" : String(entry.status);
    const traffic = this.state.tokens[entry.token];
    if (traffic) {
      traffic.byStatus[status] = (traffic.byStatus[status] ?? 0) + 1;
      if (entry.status === 429) traffic.tooManyRequests++;
      if (entry.tokenLabel) traffic.label = entry.tokenLabel;
    }
    this.state.totals.byStatus[status] = (this.state.totals.byStatus[status] ?? 0) + 1;
    if (entry.identityKey) {
      const identity = (this.state.identities[entry.identityKey] ??= { calls: 0, byStatus: {} });
      identity.calls++;
      identity.byStatus[status] = (identity.byStatus[status] ?? 0) + 1;
    }
    this.log.push({ id: this.nextId++, ...entry });
    if (this.log.length > this.logSize) this.log.splice(0, this.log.length - this.logSize);
  }

  report(): TrafficState {
    return structuredClone(this.state);
  }

  requests(filter: { limit?: number; token?: string } = {}): RequestLogEntry[] {
    const entries = filter.token ? this.log.filter((e) => e.token === filter.token) : this.log;
    return entries.slice(-(filter.limit ?? this.logSize));
  }

  reset(): void {
    this.state = emptyState();
    this.windows.clear();
    this.globalWindow = new ArrivalWindow();
    this.log = [];
  }

  /** Counters survive a simulator restart; the sliding windows and the log need not. */
  restore(state: TrafficState): void {
    this.reset();
    this.state = structuredClone(state);
  }
}

function emptyState(): TrafficState {
  return { totals: { calls: 0, maxPerSecond: 0, byStatus: {} }, tokens: {}, identities: {} };
}
