import net from "node:net";

/**
 * Sliding-window rate limiting of public POSTs (citizen forms, webhooks).
 *
 * Per process: the counters live in this process's memory, so with N web
 * processes behind a load balancer a client gets up to N × limit, and a restart
 * forgets everything. That is enough to blunt scripted abuse of one instance;
 * a stricter limit across instances needs a shared store (PostgreSQL, Redis).
 */

export interface RateLimitOptions {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until one more request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  check(key: string, options: RateLimitOptions): RateLimitResult;
  /** Forgets every key (tests, or an operator's reset). */
  reset(): void;
  /** Number of keys currently tracked. */
  size(): number;
}

export interface RateLimiterOptions {
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
  /**
   * Keys tracked at most: beyond it, expired keys are swept and then the oldest
   * are dropped, so a flood of distinct addresses cannot exhaust memory.
   */
  maxKeys?: number;
}

/**
 * Keeps, per key, the times of the requests accepted in the last window (a
 * sliding log): exact, and cheap for the small limits of public forms.
 * Refused requests are not recorded, so a client that backs off for
 * `retryAfterSeconds` gets through again.
 */
export function createRateLimiter({ now = Date.now, maxKeys = 10_000 }: RateLimiterOptions = {}): RateLimiter {
  const hits = new Map<string, { times: number[]; windowMs: number }>();

  function sweep(at: number) {
    for (const [key, entry] of hits) {
      if (entry.times.length === 0 || entry.times[entry.times.length - 1] <= at - entry.windowMs) hits.delete(key);
    }
  }

  return {
    check(key, { limit, windowMs }) {
      if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0)) throw new RangeError("invalid rate limit options");
      const at = now();
      let entry = hits.get(key);
      if (!entry) {
        if (hits.size >= maxKeys) {
          sweep(at);
          // Map iteration follows insertion order: drop the oldest keys first.
          for (const oldest of hits.keys()) {
            if (hits.size < maxKeys) break;
            hits.delete(oldest);
          }
        }
        entry = { times: [], windowMs };
        hits.set(key, entry);
      }
      entry.windowMs = windowMs;
      const windowStart = at - windowMs;
      while (entry.times.length > 0 && entry.times[0] <= windowStart) entry.times.shift();
      if (entry.times.length >= limit) {
        // The request that frees a slot is the one that leaves the window first.
        const freeAt = entry.times[entry.times.length - limit] + windowMs;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - at) / 1000)) };
      }
      entry.times.push(at);
      return { allowed: true, retryAfterSeconds: 0 };
    },
    reset() {
      hits.clear();
    },
    size() {
      return hits.size;
    },
  };
}

/** The process-wide limiter shared by every route of the app. */
const sharedLimiter = createRateLimiter();

/**
 * Counts one request for `key` (build it with `rateLimitKey`) and says whether
 * it may go on. Callers answer 429 with `Retry-After: retryAfterSeconds` otherwise.
 */
export function checkRateLimit(key: string, options: RateLimitOptions): RateLimitResult {
  return sharedLimiter.check(key, options);
}

/** For tests: forget the shared limiter's counters. */
export function resetRateLimits(): void {
  sharedLimiter.reset();
}

/**
 * A limiter key for one client: `scope` keeps the counters of different forms
 * apart. IPv6 clients are keyed by their /64, since one subscriber usually holds
 * a whole /64 and could otherwise rotate addresses to escape the limit.
 */
export function rateLimitKey(scope: string, clientIp: string): string {
  return `${scope}:${clientNetwork(clientIp)}`;
}

/** "203.0.113.7" for IPv4 (also when IPv4-mapped), "2001:db8:0:1::/64" for IPv6. */
export function clientNetwork(ip: string): string {
  const address = ip.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  if (net.isIPv6(address)) {
    const groups = expandIpv6(address).slice(0, 4);
    return `${groups.map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
  }
  return address;
}

function expandIpv6(address: string): string[] {
  const [head, tail] = address.split("%")[0].split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail ("::1.2.3.4") takes two groups; only the first four matter here.
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  return groups.map((group) => group.toLowerCase().padStart(4, "0"));
}
