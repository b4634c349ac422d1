import { describe, expect, it } from "vitest";
import { retryOnDeadlock } from "./deadlock-retry";

const deadlock = () => Object.assign(new Error("Failed query"), { cause: { code: "40P01" } });

describe("retryOnDeadlock", () => {
  it("runs a transaction again when it was a deadlock's victim", async () => {
    let runs = 0;
    const result = await retryOnDeadlock(async () => {
      runs++;
      if (runs === 1) throw deadlock();
      return "claimed";
    });
    expect(result).toBe("claimed");
    expect(runs).toBe(2);
  });

  it("gives up after its attempts", async () => {
    let runs = 0;
    await expect(
      retryOnDeadlock(async () => {
        runs++;
        throw deadlock();
      }, 3),
    ).rejects.toThrow("Failed query");
    expect(runs).toBe(3);
  });

  it("does not run again after any other error", async () => {
    let runs = 0;
    await expect(
      retryOnDeadlock(async () => {
        runs++;
        throw Object.assign(new Error("unique violation"), { code: "23505" });
      }),
    ).rejects.toThrow("unique violation");
    expect(runs).toBe(1);
  });
});
