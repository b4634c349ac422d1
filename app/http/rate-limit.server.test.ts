import { describe, expect, it } from "vitest";
import { checkRateLimit, clientNetwork, createRateLimiter, rateLimitKey, resetRateLimits } from "./rate-limit.server";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const perMinute = (limit: number) => ({ limit, windowMs: 60_000 });

describe("createRateLimiter (sliding window)", () => {
  it("allows `limit` requests in a window, then refuses with the wait until a slot frees", () => {
    const time = clock();
    const limiter = createRateLimiter({ now: time.now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.check("a", perMinute(3))).toEqual({ allowed: true, retryAfterSeconds: 0 });
      time.advance(10_000);
    }
    // Requests at t=0, 10 s, 20 s; now t=30 s: the first leaves the window at t=60 s.
    expect(limiter.check("a", perMinute(3))).toEqual({ allowed: false, retryAfterSeconds: 30 });
  });

  it("slides: each old request that leaves the window frees exactly one slot", () => {
    const time = clock();
    const limiter = createRateLimiter({ now: time.now });
    limiter.check("a", perMinute(2)); // t = 0
    time.advance(30_000);
    limiter.check("a", perMinute(2)); // t = 30 s
    time.advance(29_999);
    expect(limiter.check("a", perMinute(2)).allowed).toBe(false);
    time.advance(1); // t = 60 s: the first one is out, the second still in
    expect(limiter.check("a", perMinute(2)).allowed).toBe(true);
    expect(limiter.check("a", perMinute(2))).toEqual({ allowed: false, retryAfterSeconds: 30 });
  });

  it("does not count refused requests, so a client that waits gets through", () => {
    const time = clock();
    const limiter = createRateLimiter({ now: time.now });
    expect(limiter.check("a", perMinute(1)).allowed).toBe(true);
    for (let i = 0; i < 50; i++) {
      time.advance(1_000);
      expect(limiter.check("a", perMinute(1)).allowed).toBe(false);
    }
    time.advance(10_000);
    expect(limiter.check("a", perMinute(1)).allowed).toBe(true);
  });

  it("never answers a wait below one second while refusing", () => {
    const time = clock();
    const limiter = createRateLimiter({ now: time.now });
    limiter.check("a", { limit: 1, windowMs: 1_000 });
    time.advance(999);
    expect(limiter.check("a", { limit: 1, windowMs: 1_000 })).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("keeps keys apart", () => {
    const limiter = createRateLimiter({ now: clock().now });
    expect(limiter.check("a", perMinute(1)).allowed).toBe(true);
    expect(limiter.check("a", perMinute(1)).allowed).toBe(false);
    expect(limiter.check("b", perMinute(1)).allowed).toBe(true);
  });

  it("bounds its memory: expired keys are swept, then the oldest dropped", () => {
    const time = clock();
    const limiter = createRateLimiter({ now: time.now, maxKeys: 100 });
    for (let i = 0; i < 100; i++) limiter.check(`old-${i}`, perMinute(1));
    time.advance(61_000);
    limiter.check("new", perMinute(1));
    expect(limiter.size()).toBe(1);
    for (let i = 0; i < 500; i++) limiter.check(`flood-${i}`, perMinute(1));
    expect(limiter.size()).toBeLessThanOrEqual(100);
  });

  it("refuses nonsensical options", () => {
    const limiter = createRateLimiter();
    expect(() => limiter.check("a", { limit: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => limiter.check("a", { limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});

describe("checkRateLimit (process-wide)", () => {
  it("shares one limiter across callers and can be reset", () => {
    resetRateLimits();
    const key = rateLimitKey("test-shared", "203.0.113.9");
    expect(checkRateLimit(key, perMinute(1)).allowed).toBe(true);
    expect(checkRateLimit(key, perMinute(1)).allowed).toBe(false);
    resetRateLimits();
    expect(checkRateLimit(key, perMinute(1)).allowed).toBe(true);
  });
});

describe("clientNetwork", () => {
  it("keys IPv4 by address, IPv4-mapped IPv6 as IPv4", () => {
    expect(clientNetwork("203.0.113.7")).toBe("203.0.113.7");
    expect(clientNetwork("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("keys IPv6 by /64, whatever the notation", () => {
    const key = clientNetwork("2001:db8:0:1::1");
    expect(key).toBe("2001:db8:0:1::/64");
    expect(clientNetwork("2001:0DB8:0000:0001:ffff:ffff:ffff:2")).toBe(key);
    expect(clientNetwork("2001:db8:0:2::1")).not.toBe(key);
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
  });

  it("scopes keys per form", () => {
    expect(rateLimitKey("webhook", "203.0.113.7")).not.toBe(rateLimitKey("demarche", "203.0.113.7"));
  });
});
