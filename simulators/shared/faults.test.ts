import type { Request, Response } from "express";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FaultInjector, faultRuleSchema } from "./faults.ts";

const request = (path: string) => ({ path }) as Request;
const response = () => ({}) as Response;

describe("FaultInjector jitter", () => {
  let draws: number[];
  let injector: FaultInjector;
  const respondWithError = vi.fn();

  beforeEach(() => {
    vi.useFakeTimers();
    draws = [];
    respondWithError.mockReset();
    injector = new FaultInjector(respondWithError, () => draws.shift() ?? 0);
  });
  afterEach(() => vi.useRealTimers());

  it("defaults to no jitter and refuses more than 5 s", () => {
    expect(faultRuleSchema.parse({}).jitterMs).toBe(0);
    expect(faultRuleSchema.safeParse({ jitterMs: 5001 }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ jitterMs: 1.5 }).success).toBe(false);
  });

  it("holds each request a random 0..jitterMs ms, both ends included", () => {
    injector.add({ jitterMs: 100 });
    const jitter = injector.jitterMiddleware();
    const delays: number[] = [];
    for (const draw of [0, 0.5, 0.9999999]) {
      draws = [draw];
      const started = Date.now();
      jitter(request("/x"), response(), () => delays.push(Date.now() - started));
      vi.runAllTimers();
    }
    expect(delays).toEqual([0, 50, 100]);
  });

  it("passes a request through at once when no rule with jitter matches its route", () => {
    injector.add({ route: "france_connect$", jitterMs: 100 });
    injector.add({ latencyMs: 10 });
    const next = vi.fn();
    draws = [0.9];
    injector.jitterMiddleware()(request("/v3/dss/quotient_familial/identite"), response(), next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(draws).toEqual([0.9]); // no draw spent
  });

  it("leaves a jitter-only rule out of the latency, error and timeout faults", () => {
    injector.add({ jitterMs: 100 });
    const next = vi.fn();
    draws = [0, 0];
    injector.middleware()(request("/x"), response(), next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(respondWithError).not.toHaveBeenCalled();

    injector.add({ errorRatio: 1, errorStatuses: [503] });
    injector.middleware()(request("/x"), response(), next);
    expect(respondWithError).toHaveBeenCalledWith(expect.anything(), 503);
  });
});
