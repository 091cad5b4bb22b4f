import { ThrottlingException, ValidationException } from "@aws-sdk/client-bedrock-runtime";
import { ModelConfigurationError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { bedrockConfigurationError, bedrockErrorToModelApiError } from "./bedrock-errors.js";

describe("bedrockErrorToModelApiError", () => {
  it("keeps the HTTP status and retries by exception kind", () => {
    const throttled = new ThrottlingException({ message: "slow down", $metadata: { httpStatusCode: 429 } });
    expect(bedrockErrorToModelApiError(throttled)).toMatchObject({ statusCode: 429, isRetryable: true });
    const invalid = new ValidationException({ message: "bad field", $metadata: { httpStatusCode: 400 } });
    expect(bedrockErrorToModelApiError(invalid)).toMatchObject({ statusCode: 400, isRetryable: false });
  });

  it("retries an exception sent inside a stream, which has no status, by its kind", () => {
    const inStream = new ThrottlingException({ message: "slow down", $metadata: {} });
    expect(bedrockErrorToModelApiError(inStream)).toMatchObject({ statusCode: undefined, isRetryable: true });
  });

  it("treats HTTP/2 failures and the SDK's TimeoutError as retryable connection failures", () => {
    const goaway = Object.assign(new Error("Session closed with error code 2"), {
      code: "ERR_HTTP2_SESSION_ERROR",
    });
    const timeout = Object.assign(new Error("http2 request did not get a response"), {
      name: "TimeoutError",
    });
    for (const error of [goaway, timeout]) {
      expect(bedrockErrorToModelApiError(error)).toMatchObject({ isRetryable: true });
    }
    expect(bedrockErrorToModelApiError(new TypeError("x is not a function"))).toBeUndefined();
  });
});

describe("bedrockConfigurationError", () => {
  it("explains missing credentials and a missing or bad region", () => {
    const noToken = new Error("request could not be signed with `token` since the `token` is not defined");
    const noCredentials = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    for (const error of [noToken, noCredentials]) {
      const mapped = bedrockConfigurationError(error);
      expect(ModelConfigurationError.isInstance(mapped)).toBe(true);
      expect(mapped?.message).toMatch(/AWS_ACCESS_KEY_ID/);
    }
    expect(bedrockConfigurationError(new Error("Region is missing"))?.message).toMatch(/AWS_REGION/);
    expect(bedrockConfigurationError(new Error("anything else"))).toBeUndefined();
  });
});
