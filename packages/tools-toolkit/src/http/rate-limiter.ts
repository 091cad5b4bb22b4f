/** What the rate limiter reads the time from and sleeps with; tests pass a fake one. */
export interface Clock {
  now(): number;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) =>
    new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, milliseconds);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

// When each key may next be used; shared by every limiter of the process, so that two tools
// (or two agents) searching the same engine are polite together.
const nextAllowedAt = new Map<string, number>();

/**
 * Keeps at least `minIntervalSeconds` between two requests with the same key (one key per search
 * engine). Each caller reserves its slot before it sleeps, so concurrent calls are spaced out in
 * the order they asked.
 *
 * @example
 * const limiter = new RateLimiter("duckduckgo", 1);
 * await limiter.wait(); // returns at once, then at most once a second
 */
export class RateLimiter {
  constructor(
    readonly key: string,
    readonly minIntervalSeconds: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async wait(signal?: AbortSignal): Promise<void> {
    if (!(this.minIntervalSeconds > 0)) return;
    const now = this.clock.now();
    const start = Math.max(now, nextAllowedAt.get(this.key) ?? 0);
    nextAllowedAt.set(this.key, start + this.minIntervalSeconds * 1000);
    if (start > now) await this.clock.sleep(start - now, signal);
  }
}
