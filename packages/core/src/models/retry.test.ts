import { describe, expect, it } from "vitest";
import { ModelApiError } from "../errors.js";
import { parseRetryAfter, retryDelayMs, sleep } from "./retry.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("reads seconds, an HTTP date, and OpenAI's retry-after-ms first", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "7" }), now)).toBe(7);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }), now)).toBe(30);
    expect(parseRetryAfter(new Headers({ "retry-after": "7", "retry-after-ms": "250" }), now)).toBe(0.25);
    expect(parseRetryAfter({ "Retry-After": "3" }, now)).toBe(3);
  });

  it("is undefined when absent or unreadable, and never negative", () => {
    expect(parseRetryAfter(new Headers(), now)).toBe(undefined);
    expect(parseRetryAfter(undefined, now)).toBe(undefined);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }), now)).toBe(undefined);
    expect(parseRetryAfter(new Headers({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }), now)).toBe(0);
  });
});

describe("retryDelayMs", () => {
  const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it("grows exponentially with jitter and is capped", () => {
    const error = new ModelApiError("boom", { statusCode: 500 });
    expect(retryDelayMs(0, error, { ...policy, random: () => 0 })).toBe(50);
    expect(retryDelayMs(0, error, { ...policy, random: () => 0.999999 })).toBeCloseTo(100);
    expect(retryDelayMs(2, error, { ...policy, random: () => 0 })).toBe(200);
    expect(retryDelayMs(9, error, { ...policy, random: () => 1 })).toBe(1_000);
  });

  it("uses Retry-After as given, and gives up when it exceeds the maximum", () => {
    expect(
      retryDelayMs(3, new ModelApiError("429", { statusCode: 429, retryAfterSeconds: 0.5 }), policy),
    ).toBe(500);
    expect(retryDelayMs(0, new ModelApiError("429", { statusCode: 429, retryAfterSeconds: 2 }), policy)).toBe(
      undefined,
    );
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    await expect(sleep(1, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });
});
