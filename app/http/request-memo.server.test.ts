import { describe, expect, it } from "vitest";
import { memoizedForRequest, runWithRequestMemo } from "./request-memo.server";

/** A computation that counts its runs and settles on the next tick, as a database read does. */
function counted() {
  let runs = 0;
  return {
    compute: async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return runs;
    },
    runs: () => runs,
  };
}

describe("request memo", () => {
  it("runs a read once per GET request, for loaders that ask at the same time and after", async () => {
    const read = counted();
    const values = await runWithRequestMemo("GET", async () => {
      const both = await Promise.all([memoizedForRequest("k", read.compute), memoizedForRequest("k", read.compute)]);
      return [...both, await memoizedForRequest("k", read.compute)];
    });
    expect(values).toEqual([1, 1, 1]);
    expect(read.runs()).toBe(1);
  });

  it("keeps keys apart, and requests apart", async () => {
    const read = counted();
    await runWithRequestMemo("GET", () =>
      Promise.all([memoizedForRequest("a", read.compute), memoizedForRequest("b", read.compute)]),
    );
    await runWithRequestMemo("HEAD", () => memoizedForRequest("a", read.compute));
    expect(read.runs()).toBe(3);
  });

  it("shares nothing in a request that may write (an action can change what was read) nor outside a request", async () => {
    const read = counted();
    await runWithRequestMemo("POST", async () => {
      await memoizedForRequest("k", read.compute);
      await memoizedForRequest("k", read.compute);
    });
    await memoizedForRequest("k", read.compute);
    await memoizedForRequest("k", read.compute);
    expect(read.runs()).toBe(4);
  });

  it("shares a failure within the request, and the next request tries again", async () => {
    let runs = 0;
    const failing = () => {
      runs += 1;
      return Promise.reject(new Error("base indisponible"));
    };
    await runWithRequestMemo("GET", async () => {
      await expect(memoizedForRequest("k", failing)).rejects.toThrow("base indisponible");
      await expect(memoizedForRequest("k", failing)).rejects.toThrow("base indisponible");
    });
    await runWithRequestMemo("GET", () => expect(memoizedForRequest("k", failing)).rejects.toThrow());
    expect(runs).toBe(2);
  });
});
