import { describe, expect, it } from "vitest";
import { type Clock, RateLimiter } from "./rate-limiter.js";

/** A clock whose sleeps are recorded and pass at once (moving the time on). */
function fakeClock(): Clock & { sleeps: number[] } {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      // Time passes after the caller went to sleep, so that other callers can ask meanwhile.
      const wakeAt = time + milliseconds;
      await Promise.resolve();
      time = Math.max(time, wakeAt);
    },
  };
}

describe("RateLimiter", () => {
  it("lets the first request through and spaces the next ones by the interval", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter("test-spacing", 1, clock);
    await limiter.wait();
    await limiter.wait();
    await limiter.wait();
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it("spaces concurrent callers in the order they asked", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter("test-concurrent", 0.5, clock);
    await Promise.all([limiter.wait(), limiter.wait(), limiter.wait()]);
    // Each reserved its slot before sleeping: 0, 500 and 1000 ms after the first.
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it("shares the spacing between limiters of the same key only", async () => {
    const clock = fakeClock();
    await new RateLimiter("test-shared", 2, clock).wait();
    await new RateLimiter("test-shared", 2, clock).wait();
    await new RateLimiter("test-other", 2, clock).wait();
    expect(clock.sleeps).toEqual([2000]);
  });

  it("does not wait at all with an interval of 0", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter("test-zero", 0, clock);
    await limiter.wait();
    await limiter.wait();
    expect(clock.sleeps).toEqual([]);
  });
});
