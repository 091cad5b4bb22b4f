/**
 * A time limit whose clock can stand still. The executor's `timeoutSeconds` is the code's time,
 * not a human's: while a tool call the code made waits for approval, `pauseWhile` stops the
 * clock, and it runs on from where it stood once the wait is over. Pauses may overlap; the clock
 * runs again when the last one ends.
 */
export class PausableDeadline {
  #remainingMs: number;
  #runningSince = 0;
  #timer: NodeJS.Timeout | undefined;
  #pauses = 0;
  #settled = false;
  readonly #onExpire: () => void;

  constructor(limitMs: number, onExpire: () => void) {
    this.#remainingMs = limitMs;
    this.#onExpire = onExpire;
    this.#run();
  }

  /** Resolves or rejects as `wait` does; the clock stands still until then. */
  async pauseWhile<T>(wait: Promise<T>): Promise<T> {
    this.#pause();
    try {
      return await wait;
    } finally {
      this.#resume();
    }
  }

  /** Stops the clock for good (the code is over); the deadline never expires after this. */
  clear(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pause(): void {
    this.#pauses += 1;
    if (this.#pauses > 1 || this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remainingMs -= performance.now() - this.#runningSince;
  }

  #resume(): void {
    this.#pauses -= 1;
    if (this.#pauses === 0 && !this.#settled) this.#run();
  }

  #run(): void {
    this.#runningSince = performance.now();
    this.#timer = setTimeout(
      () => {
        this.#settled = true;
        this.#timer = undefined;
        this.#onExpire();
      },
      Math.max(0, this.#remainingMs),
    );
  }
}
