import { describe, expect, it } from "vitest";
import { sharedPromise } from "./shared-promise";

/** A lazy thenable like a drizzle query: the work runs on each `then`, not on creation. */
function lazyQuery<V>(value: V, runs: { count: number }): PromiseLike<V> {
  return {
    then(onFulfilled, onRejected) {
      runs.count++;
      return Promise.resolve(value).then(onFulfilled, onRejected);
    },
  };
}

describe("sharedPromise", () => {
  it("computes once for callers asking side by side, and keeps the result", async () => {
    const cache = new Map<string, Promise<number>>();
    let computed = 0;
    const compute = () => {
      computed++;
      return new Promise<number>((resolve) => setTimeout(() => resolve(42), 5));
    };
    const results = await Promise.all([1, 2, 3].map(() => sharedPromise(cache, "a", compute)));
    expect(results).toEqual([42, 42, 42]);
    expect(await sharedPromise(cache, "a", compute)).toBe(42);
    expect(computed).toBe(1);
  });

  it("runs a lazy thenable once however many callers await it", async () => {
    const cache = new Map<string, Promise<string>>();
    const runs = { count: 0 };
    const callers = [1, 2, 3, 4].map(() => sharedPromise(cache, "k", () => lazyQuery("row", runs)));
    await Promise.all(callers);
    await Promise.all(callers);
    expect(runs.count).toBe(1);
  });

  it("keys are independent", async () => {
    const cache = new Map<string, Promise<string>>();
    expect(await sharedPromise(cache, "a", async () => "A")).toBe("A");
    expect(await sharedPromise(cache, "b", async () => "B")).toBe("B");
  });

  it("does not keep a rejection: the next caller computes again", async () => {
    const cache = new Map<string, Promise<string>>();
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts === 1) throw new Error("transient");
      return "ok";
    };
    await expect(sharedPromise(cache, "a", flaky)).rejects.toThrow("transient");
    expect(await sharedPromise(cache, "a", flaky)).toBe("ok");
    expect(attempts).toBe(2);
  });

  it("a late rejection does not drop a newer entry for the same key", async () => {
    const cache = new Map<string, Promise<string>>();
    let rejectFirst!: (error: Error) => void;
    const first = sharedPromise(cache, "a", () => new Promise<string>((_, reject) => (rejectFirst = reject)));
    cache.delete("a"); // as if evicted while pending
    const second = sharedPromise(cache, "a", async () => "second");
    rejectFirst(new Error("late"));
    await expect(first).rejects.toThrow("late");
    expect(cache.get("a")).toBe(second);
  });
});
