import { afterEach, describe, expect, it, vi } from "vitest";
import { OutgoingCallClock, runWithOutgoingCallClock, startOutgoingCall } from "./outgoing-call-time.server";

afterEach(() => {
  vi.useRealTimers();
});

describe("outgoing-call clock", () => {
  it("counts calls made side by side once, and the gaps between calls not at all", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const clock = new OutgoingCallClock();
    const first = clock.start();
    vi.advanceTimersByTime(40);
    const second = clock.start(); // overlaps the first from 40 to 100
    vi.advanceTimersByTime(60);
    first();
    vi.advanceTimersByTime(20);
    second();
    expect(clock.elapsedMs()).toBeCloseTo(120, 5);
    vi.advanceTimersByTime(500); // our own work: not outgoing time
    const third = clock.start();
    vi.advanceTimersByTime(30);
    expect(clock.elapsedMs()).toBeCloseTo(150, 5); // a call still running counts so far
    third();
    third(); // a second end is ignored
    vi.advanceTimersByTime(30);
    expect(clock.elapsedMs()).toBeCloseTo(150, 5);
  });

  it("charges the call to the request it was made for, and to nothing outside a request", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const a = new OutgoingCallClock();
    const b = new OutgoingCallClock();
    const call = async (ms: number) => {
      await Promise.resolve();
      const end = startOutgoingCall();
      vi.advanceTimersByTime(ms);
      end();
    };
    await Promise.all([runWithOutgoingCallClock(a, () => call(10)), runWithOutgoingCallClock(b, () => call(25))]);
    await call(1_000);
    expect(a.elapsedMs()).toBeCloseTo(10, 5);
    expect(b.elapsedMs()).toBeCloseTo(25, 5);
  });
});
