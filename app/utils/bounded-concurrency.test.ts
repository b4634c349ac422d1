import { describe, expect, it } from "vitest";
import { forEachBounded } from "./bounded-concurrency";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("forEachBounded", () => {
  it("never runs more than the limit at once, and runs every item once", async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      done.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("starts nothing more once asked to stop; those started finish", async () => {
    const started: number[] = [];
    let stop = false;
    await forEachBounded(
      [1, 2, 3, 4, 5, 6],
      2,
      async (n) => {
        started.push(n);
        await tick();
        if (n === 2) stop = true;
      },
      () => stop,
    );
    expect(started).toEqual([1, 2, 3]);
  });

  it("re-throws the first failure once the running ones ended", async () => {
    const finished: number[] = [];
    await expect(
      forEachBounded([1, 2, 3], 3, async (n) => {
        await tick();
        if (n === 1) throw new Error("panne");
        finished.push(n);
      }),
    ).rejects.toThrow("panne");
    expect(finished.sort()).toEqual([2, 3]);
  });
});
