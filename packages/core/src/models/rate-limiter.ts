import { sleep } from "./retry.js";

/**
 * Spaces requests evenly: at most `requestsPerMinute`, one every `60 000 / requestsPerMinute` ms.
 * Each caller reserves the next free slot at once, so concurrent callers queue fairly without
 * a lock.
 *
 * @example
 * const limiter = new RateLimiter(30); // one request every 2 s
 * await limiter.acquire(signal);
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private nextSlot = Number.NEGATIVE_INFINITY;

  constructor(
    requestsPerMinute: number,
    private readonly clock: {
      now: () => number;
      sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
    } = { now: () => Date.now(), sleep },
  ) {
    if (!(requestsPerMinute > 0))
      throw new RangeError(`requestsPerMinute must be > 0, got ${requestsPerMinute}`);
    this.intervalMs = 60_000 / requestsPerMinute;
  }

  /** Waits for this caller's slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.clock.sleep(slot - now, signal);
  }
}
