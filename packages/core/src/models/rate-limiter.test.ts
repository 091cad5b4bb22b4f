import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

/** A clock that only moves when the limiter sleeps: no real time passes in this test. */
function fakeClock() {
  const clock = {
    time: 1_000,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (milliseconds: number) => {
      clock.sleeps.push(milliseconds);
    },
  };
  return clock;
}

describe("RateLimiter", () => {
  it("spaces concurrent requests one interval apart", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(60, clock);
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(clock.sleeps).toEqual([1_000, 2_000]);
  });

  it("does not wait when the previous request is older than the interval", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(120, clock);
    await limiter.acquire();
    clock.time += 600;
    await limiter.acquire();
    clock.time += 100;
    await limiter.acquire();
    expect(clock.sleeps).toEqual([400]);
  });

  it("rejects a rate that is not positive", () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
