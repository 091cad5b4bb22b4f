import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { ModelApiError } from "@smol/core";
import { isRetryableStatus, parseRetryAfter } from "@smol/core/provider-kit";

/** Error types of the API worth another try when they come without a status (inside a stream). */
const retryableTypes = new Set(["overloaded_error", "api_error", "rate_limit_error", "timeout_error"]);

/**
 * `@anthropic-ai/sdk`'s errors as `ModelApiError`s: HTTP errors keep their status and
 * `Retry-After` (529 "overloaded" is retried like a 5xx), an `error` event inside a stream is
 * retryable when its type says the server was busy, connection failures and timeouts are
 * retryable. `undefined` for anything else (an abort, a bug).
 */
export function anthropicErrorToModelApiError(error: unknown, baseURL: string): ModelApiError | undefined {
  if (error instanceof APIUserAbortError) return undefined;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelApiError(
      `The Anthropic API at ${baseURL} did not answer in time (the \`timeout\` option).`,
      {
        isRetryable: true,
        cause: error,
      },
    );
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return new ModelApiError(`Could not reach the Anthropic API at ${baseURL}${cause}.`, {
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const statusCode = typeof error.status === "number" ? error.status : undefined;
    const hint = statusCode === 401 ? " Check `apiKey` (or the ANTHROPIC_API_KEY environment variable)." : "";
    return new ModelApiError(
      `Anthropic API error${error.type ? ` (${error.type})` : ""}: ${error.message}${hint}`,
      {
        statusCode,
        isRetryable:
          statusCode !== undefined ? isRetryableStatus(statusCode) : retryableTypes.has(error.type ?? ""),
        retryAfterSeconds: statusCode !== undefined ? parseRetryAfter(error.headers) : undefined,
        responseBody: error.error,
        cause: error,
      },
    );
  }
  return undefined;
}
