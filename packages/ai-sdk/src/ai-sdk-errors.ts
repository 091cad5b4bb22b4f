import { ModelApiError } from "@smol/core";
import { parseRetryAfter } from "@smol/core/provider-kit";

/**
 * The AI SDK marks its errors with a registered symbol (`Symbol.for("vercel.ai.error.<name>")`)
 * so that `isInstance` works across copies of `@ai-sdk/provider`: a user may have providers of
 * three majors installed, each with its own copy. smol reads the same marker, so it needs no
 * runtime dependency on any of them.
 */
function hasAiSdkMarker(error: unknown, name: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return (error as Record<symbol, unknown>)[marker] === true;
}

interface ApiCallErrorLike {
  message: string;
  url?: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  isRetryable?: boolean;
  data?: unknown;
}

/** The provider could not parse the server's reply: the same server would send the same again. */
const unreadableReplyErrors = ["AI_JSONParseError", "AI_TypeValidationError"];

/**
 * An AI SDK provider's errors as `ModelApiError`s. `APICallError` (any HTTP failure, and a
 * connection that failed, which the SDK reports with no status) keeps its status, the SDK's own
 * `isRetryable` (429, 408, 409, 5xx and network failures, as smol's), `Retry-After` and body. An
 * incomplete reply is retryable, one the provider could not parse is not.
 * `undefined` for the rest (an abort, a missing API key), which `ApiModel` rethrows untouched.
 */
export function aiSdkErrorToModelApiError(error: unknown, providerName: string): ModelApiError | undefined {
  if (hasAiSdkMarker(error, "AI_APICallError")) {
    const apiError = error as ApiCallErrorLike;
    const statusCode = typeof apiError.statusCode === "number" ? apiError.statusCode : undefined;
    const where = apiError.url ? ` at ${apiError.url}` : "";
    return new ModelApiError(
      statusCode !== undefined
        ? `${providerName} API error ${statusCode}${where}: ${apiError.message}`
        : `The ${providerName} API${where} failed: ${apiError.message}`,
      {
        statusCode,
        isRetryable: typeof apiError.isRetryable === "boolean" ? apiError.isRetryable : undefined,
        retryAfterSeconds: parseRetryAfter(apiError.responseHeaders),
        responseBody: apiError.data ?? apiError.responseBody,
        cause: error,
      },
    );
  }
  // A reply that parsed but lacks what it must hold (no choices, a stream without a finish
  // reason): most often a reply cut short, which another attempt gets whole.
  if (hasAiSdkMarker(error, "AI_InvalidResponseDataError")) {
    return new ModelApiError(`${providerName} sent an incomplete reply: ${(error as Error).message}`, {
      isRetryable: true,
      cause: error,
    });
  }
  const unreadable = unreadableReplyErrors.find((name) => hasAiSdkMarker(error, name));
  if (unreadable) {
    return new ModelApiError(
      `${providerName} sent a reply its AI SDK provider could not read: ${(error as Error).message}`,
      { isRetryable: false, cause: error },
    );
  }
  return undefined;
}

/**
 * An `error` part of a stream carries whatever the provider put there: often the server's parsed
 * error object rather than an `Error`. Such an object becomes a non-retryable `ModelApiError`,
 * since the server reported it mid-reply on purpose.
 */
export function streamPartError(error: unknown, providerName: string): unknown {
  if (error instanceof Error) return error;
  const detail = typeof error === "string" ? error : JSON.stringify(error);
  return new ModelApiError(`${providerName} reported an error in its stream: ${detail}`, {
    isRetryable: false,
    responseBody: error,
  });
}
