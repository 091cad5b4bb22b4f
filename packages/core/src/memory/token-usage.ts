import type { TokenUsage } from "../models/messages.js";

function tokenCount(value: number): number {
  // A provider reporting NaN or a negative count must not poison the totals.
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * The token totals of a session's steps, kept in one place so that the step footers, the
 * `Monitor` and the `RunResult` cannot disagree. A step that did not report its usage makes
 * the total unknown (`total` is undefined) rather than silently too small; `known` still sums
 * what was reported, for the running figures of the footers.
 *
 * @example
 * const usage = new TokenUsageTotals();
 * usage.add({ inputTokens: 10, outputTokens: 2 });
 * usage.add(undefined);
 * usage.known; // { inputTokens: 10, outputTokens: 2 }
 * usage.total; // undefined: one step did not say what it cost
 */
export class TokenUsageTotals {
  #inputTokens = 0;
  #outputTokens = 0;
  #stepsWithoutUsage = 0;

  /** Adds one step's usage; `undefined` when the step did not report any. */
  add(usage: TokenUsage | undefined): void {
    if (!usage) {
      this.#stepsWithoutUsage += 1;
      return;
    }
    this.#inputTokens += tokenCount(usage.inputTokens);
    this.#outputTokens += tokenCount(usage.outputTokens);
  }

  /** The sum of the usage that was reported. */
  get known(): TokenUsage {
    return { inputTokens: this.#inputTokens, outputTokens: this.#outputTokens };
  }

  /** The sum of every step's usage, or undefined when a step did not report its usage. */
  get total(): TokenUsage | undefined {
    return this.#stepsWithoutUsage > 0 ? undefined : this.known;
  }

  reset(): void {
    this.#inputTokens = 0;
    this.#outputTokens = 0;
    this.#stepsWithoutUsage = 0;
  }
}
