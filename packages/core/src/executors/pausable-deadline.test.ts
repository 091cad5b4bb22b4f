import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PausableDeadline } from "./pausable-deadline.js";

describe("PausableDeadline", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires after its limit when nothing pauses it", () => {
    const expired = vi.fn();
    new PausableDeadline(1_000, expired);
    vi.advanceTimersByTime(999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("does not count overlapping pauses, and keeps the time spent before them", async () => {
    const expired = vi.fn();
    const deadline = new PausableDeadline(1_000, expired);
    vi.advanceTimersByTime(600);
    let endFirst = () => {};
    let endSecond = () => {};
    const first = deadline.pauseWhile(new Promise<void>((resolve) => (endFirst = resolve)));
    const second = deadline.pauseWhile(new Promise<void>((resolve) => (endSecond = resolve)));
    vi.advanceTimersByTime(5_000);
    endFirst();
    await first;
    vi.advanceTimersByTime(5_000); // the second pause still holds the clock
    expect(expired).not.toHaveBeenCalled();
    endSecond();
    await second;
    vi.advanceTimersByTime(399);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("passes a rejected wait on, and never expires once cleared", async () => {
    const expired = vi.fn();
    const deadline = new PausableDeadline(1_000, expired);
    await expect(deadline.pauseWhile(Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    deadline.clear();
    vi.advanceTimersByTime(10_000);
    expect(expired).not.toHaveBeenCalled();
  });
});
