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

/** A call that arrived while a Retry-After sent to its token was running: it bans the token (or extends the ban). */
export interface RetryAfterViolation {
  at: string;
  /** Since the 429 whose Retry-After it ignored. */
  msAfter429: number;
  retryAfterEndsAt: string;
}

export interface DensestWindow {
  /** Arrivals (refused ones included) in the densest sliding second: first ≤ a < first + 1000 ms. */
  count: number;
  /** The first arrival of that second; null before any arrival. */
  startAt: string | null;
}

export interface TokenTraffic {
  kind: TokenKind;
  label: string | null;
  total: number;
  /** Highest number of requests that arrived within any sliding one-second interval (= densestWindow.count). */
  maxPerSecond: number;
  densestWindow: DensestWindow;
  /** 429 answers of every kind (limit reached, injected, ban). */
  tooManyRequests: number;
  /** 429s that started a Retry-After: limit reached or injected (not the answers of a ban). */
  rateLimited: number;
  /** Arrivals while a Retry-After of the token was running; the last ones are in retryAfterViolations. */
  callsDuringRetryAfter: number;
  retryAfterViolations: RetryAfterViolation[];
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
/** Enough to see a pattern, bounded so a client hammering a banned token cannot grow the report. */
const MAX_VIOLATIONS = 100;
/** Per token: a campaign of tens of thousands of families at 20/s fits. */
const MAX_ARRIVALS = 200_000;

/**
 * Arrivals of the last second, to find the densest sliding second as they come: the
 * densest window [first, first + 1 s) ends at some arrival, and when that arrival is
 * recorded the window starting at the oldest arrival kept holds at least as many.
 */
class SlidingSecond {
  private arrivals: number[] = [];
  private head = 0;

  /** Records an arrival; returns the window starting at the oldest arrival less than a second before it. */
  record(now: number): { count: number; first: number } {
    this.arrivals.push(now);
    while (this.arrivals[this.head]! <= now - WINDOW_MS) this.head++;
    // Compact now and then rather than shift() on every arrival: a fast client fills thousands per second.
    if (this.head > 1024 && this.head * 2 > this.arrivals.length) {
      this.arrivals = this.arrivals.slice(this.head);
      this.head = 0;
    }
    return { count: this.arrivals.length - this.head, first: this.arrivals[this.head]! };
  }
}

/** The last MAX_ARRIVALS arrival times of one token, for histograms. */
class ArrivalLog {
  private times: number[] = [];

  push(now: number): void {
    this.times.push(now);
    // Trim by chunks so each arrival stays O(1) on average.
    if (this.times.length > MAX_ARRIVALS * 1.25) this.times = this.times.slice(-MAX_ARRIVALS);
  }

  list(): number[] {
    return this.times.slice(-MAX_ARRIVALS);
  }
}

/**
 * What the admin API reports: per token (calls, peak per second, 429s), per identity
 * (so a test can assert that no family was requested twice) and a bounded log.
 * Every arrival counts, refused ones included: the peak is the client's real pace.
 */
export class TrafficStats {
  private state: TrafficState = emptyState();
  private windows = new Map<string, SlidingSecond>();
  private globalWindow = new SlidingSecond();
  private arrivalLogs = new Map<string, ArrivalLog>();
  private log: RequestLogEntry[] = [];
  private nextId = 1;

  constructor(private readonly logSize = 1000) {}

  recordArrival(token: string, kind: TokenKind, now: number): void {
    const traffic = (this.state.tokens[token] ??= emptyTokenTraffic(kind));
    traffic.total++;
    traffic.lastSeenAt = new Date(now).toISOString();
    let window = this.windows.get(token);
    if (!window) this.windows.set(token, (window = new SlidingSecond()));
    const current = window.record(now);
    if (current.count > traffic.densestWindow.count) {
      traffic.densestWindow = { count: current.count, startAt: new Date(current.first).toISOString() };
    }
    traffic.maxPerSecond = traffic.densestWindow.count;
    let log = this.arrivalLogs.get(token);
    if (!log) this.arrivalLogs.set(token, (log = new ArrivalLog()));
    log.push(now);
    this.state.totals.calls++;
    this.state.totals.maxPerSecond = Math.max(this.state.totals.maxPerSecond, this.globalWindow.record(now).count);
  }

  /** A 429 that starts a Retry-After (limit reached or injected). */
  recordRateLimited(token: string): void {
    const traffic = this.state.tokens[token];
    if (traffic) traffic.rateLimited++;
  }

  /** A call that arrived at `at` while the Retry-After of the 429 sent at `issuedAt` ran until `deadline`. */
  recordRetryAfterViolation(token: string, at: number, penalty: { issuedAt: number; deadline: number }): void {
    const traffic = this.state.tokens[token];
    if (!traffic) return;
    traffic.callsDuringRetryAfter++;
    traffic.retryAfterViolations.push({
      at: new Date(at).toISOString(),
      msAfter429: at - penalty.issuedAt,
      retryAfterEndsAt: new Date(penalty.deadline).toISOString(),
    });
    if (traffic.retryAfterViolations.length > MAX_VIOLATIONS) traffic.retryAfterViolations.shift();
  }

  /** Epoch milliseconds of the token's arrivals since the last reset, oldest first (the last 200 000). */
  arrivals(token: string): number[] {
    return this.arrivalLogs.get(token)?.list() ?? [];
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
    this.globalWindow = new SlidingSecond();
    this.arrivalLogs.clear();
    this.log = [];
  }

  /**
   * Counters survive a simulator restart; the sliding windows, arrival times and the log need
   * not. Fields added since an older snapshot start from what that snapshot implies.
   */
  restore(state: RestorableTrafficState): void {
    this.reset();
    const restored = structuredClone(state);
    const tokens: Record<string, TokenTraffic> = {};
    for (const [token, t] of Object.entries(restored.tokens)) {
      tokens[token] = {
        ...t,
        densestWindow: t.densestWindow ?? { count: t.maxPerSecond, startAt: null },
        rateLimited: t.rateLimited ?? 0,
        callsDuringRetryAfter: t.callsDuringRetryAfter ?? 0,
        retryAfterViolations: t.retryAfterViolations ?? [],
      };
    }
    this.state = { ...restored, tokens };
  }
}

/** A TrafficState saved before the per-token Retry-After report existed. */
export type RestorableTrafficState = Omit<TrafficState, "tokens"> & {
  tokens: Record<
    string,
    Omit<TokenTraffic, "densestWindow" | "rateLimited" | "callsDuringRetryAfter" | "retryAfterViolations"> &
      Partial<TokenTraffic>
  >;
};

function emptyTokenTraffic(kind: TokenKind): TokenTraffic {
  return {
    kind,
    label: null,
    total: 0,
    maxPerSecond: 0,
    densestWindow: { count: 0, startAt: null },
    tooManyRequests: 0,
    rateLimited: 0,
    callsDuringRetryAfter: 0,
    retryAfterViolations: [],
    byStatus: {},
    lastSeenAt: null,
  };
}

function emptyState(): TrafficState {
  return { totals: { calls: 0, maxPerSecond: 0, byStatus: {} }, tokens: {}, identities: {} };
}
