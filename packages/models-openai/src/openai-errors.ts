import { ModelApiError } from "@smol/core";
import { isRetryableStatus, parseRetryAfter } from "@smol/core/provider-kit";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

/**
 * The OpenAI SDK's errors as `ModelApiError`s: HTTP errors keep their status and `Retry-After`,
 * connection failures and timeouts are retryable. `undefined` for anything else (an abort, a bug),
 * which `ApiModel` rethrows untouched or maps with its defaults.
 */
export function openAIErrorToModelApiError(error: unknown, baseURL: string): ModelApiError | undefined {
  if (error instanceof APIUserAbortError) return undefined;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelApiError(`The OpenAI API at ${baseURL} did not answer in time.`, {
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return new ModelApiError(`Could not reach the OpenAI API at ${baseURL}${cause}.`, {
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const statusCode = typeof error.status === "number" ? error.status : undefined;
    const hint =
      statusCode === 401 ? " Check `apiKey` (or the OPENAI_API_KEY environment variable) and `apiBase`." : "";
    return new ModelApiError(`OpenAI API error: ${error.message}${hint}`, {
      statusCode,
      // An error sent inside a stream has no status: only a server-side failure is worth retrying.
      isRetryable: statusCode !== undefined ? isRetryableStatus(statusCode) : error.type === "server_error",
      retryAfterSeconds: parseRetryAfter(error.headers),
      responseBody: error.error,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ModelApiError(
      `The server at ${baseURL} sent a reply that is not valid JSON: ${error.message}`,
      {
        isRetryable: false,
        cause: error,
      },
    );
  }
  return undefined;
}
