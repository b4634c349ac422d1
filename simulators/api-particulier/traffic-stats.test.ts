import { describe, expect, it } from "vitest";
import { TrafficStats } from "./traffic-stats.ts";

const T0 = Date.parse("2025-03-03T09:00:00.000Z");

describe("TrafficStats", () => {
  it("keeps the last 100 Retry-After violations but counts them all", () => {
    const stats = new TrafficStats();
    stats.recordArrival("t", "api_particulier", T0);
    for (let i = 1; i <= 150; i++) {
      stats.recordArrival("t", "api_particulier", T0 + i);
      stats.recordRetryAfterViolation("t", T0 + i, { issuedAt: T0, deadline: T0 + 1000 });
    }
    const report = stats.report().tokens.t!;
    expect(report.callsDuringRetryAfter).toBe(150);
    expect(report.retryAfterViolations).toHaveLength(100);
    expect(report.retryAfterViolations[0]).toEqual({
      at: new Date(T0 + 51).toISOString(),
      msAfter429: 51,
      retryAfterEndsAt: new Date(T0 + 1000).toISOString(),
    });
  });

  it("finds the densest second among thousands of arrivals", () => {
    const stats = new TrafficStats();
    // 3000 arrivals 2 ms apart (500 in any second), then a burst of 600 within 300 ms, then 500 again.
    const times: number[] = [];
    for (let i = 0; i < 3000; i++) times.push(T0 + i * 2);
    const burstStart = T0 + 10_000;
    for (let i = 0; i < 600; i++) times.push(burstStart + i * 0.5);
    for (let i = 0; i < 2000; i++) times.push(T0 + 20_000 + i * 2);
    for (const t of times) stats.recordArrival("t", "api_particulier", t);
    const report = stats.report().tokens.t!;
    expect(report.densestWindow).toEqual({ count: 600, startAt: new Date(burstStart).toISOString() });
    expect(report.maxPerSecond).toBe(600);
    expect(stats.arrivals("t")).toEqual(times);
  });
});
