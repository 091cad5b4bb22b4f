import { describe, expect, it } from "vitest";
import { TokenUsageTotals } from "./token-usage.js";

describe("TokenUsageTotals", () => {
  it("sums the usage of the steps", () => {
    const usage = new TokenUsageTotals();
    usage.add({ inputTokens: 120, outputTokens: 8 });
    usage.add({ inputTokens: 30, outputTokens: 2 });
    expect(usage.total).toEqual({ inputTokens: 150, outputTokens: 10 });
    expect(usage.known).toEqual({ inputTokens: 150, outputTokens: 10 });
  });

  it("makes the total unknown once a step did not report its usage, and keeps what was reported", () => {
    const usage = new TokenUsageTotals();
    usage.add({ inputTokens: 5, outputTokens: 1 });
    usage.add(undefined);
    usage.add({ inputTokens: 7, outputTokens: 3 });
    expect(usage.total).toBeUndefined();
    expect(usage.known).toEqual({ inputTokens: 12, outputTokens: 4 });
  });

  it("counts a count that is not a finite positive number as zero", () => {
    const usage = new TokenUsageTotals();
    usage.add({ inputTokens: Number.NaN, outputTokens: -4 });
    usage.add({ inputTokens: Number.POSITIVE_INFINITY, outputTokens: 9 });
    expect(usage.total).toEqual({ inputTokens: 0, outputTokens: 9 });
  });

  it("starts again from nothing after reset", () => {
    const usage = new TokenUsageTotals();
    usage.add(undefined);
    usage.reset();
    usage.add({ inputTokens: 1, outputTokens: 1 });
    expect(usage.total).toEqual({ inputTokens: 1, outputTokens: 1 });
  });
});
