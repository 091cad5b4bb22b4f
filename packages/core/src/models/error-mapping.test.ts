import { describe, expect, it } from "vitest";
import { ModelApiError, ModelConfigurationError } from "../errors.js";
import { defaultToModelApiError, isNetworkError } from "./error-mapping.js";

describe("defaultToModelApiError", () => {
  it("leaves smol's own errors alone, even with a network failure in their cause chain", () => {
    const offline = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const error = new ModelConfigurationError("The model file could not be downloaded.", { cause: offline });
    expect(defaultToModelApiError(error, "Example")).toBeUndefined();
  });

  it("keeps status, Retry-After and body of an HTTP error object", () => {
    const error = Object.assign(new Error("Service Unavailable"), {
      statusCode: 503,
      headers: { "retry-after": "2" },
      body: { message: "overloaded" },
    });
    const mapped = defaultToModelApiError(error, "Example");
    expect(mapped).toBeInstanceOf(ModelApiError);
    expect(mapped).toMatchObject({ statusCode: 503, isRetryable: true, retryAfterSeconds: 2 });
    expect(mapped?.responseBody).toEqual({ message: "overloaded" });
    expect(mapped?.message).toMatch(/Example API error 503/);
  });

  it("marks 4xx other than 408/409/429 as not retryable", () => {
    expect(defaultToModelApiError({ status: 401, message: "no" }, "X")?.isRetryable).toBe(false);
    expect(defaultToModelApiError({ status: 409, message: "busy" }, "X")?.isRetryable).toBe(true);
  });

  it("recognises network failures through a cause chain", () => {
    const wrapped = new TypeError("fetch failed", {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    expect(isNetworkError(wrapped)).toBe(true);
    const mapped = defaultToModelApiError(wrapped, "X");
    expect(mapped?.isRetryable).toBe(true);
    expect(mapped?.statusCode).toBe(undefined);
    expect(mapped?.message).toContain("other side closed");
  });

  it("leaves other errors alone", () => {
    expect(defaultToModelApiError(new RangeError("bug"), "X")).toBe(undefined);
    expect(defaultToModelApiError("text", "X")).toBe(undefined);
    const existing = new ModelApiError("already typed");
    expect(defaultToModelApiError(existing, "X")).toBe(existing);
  });
});
