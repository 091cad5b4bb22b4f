import { BedrockRuntimeServiceException } from "@aws-sdk/client-bedrock-runtime";
import { ModelApiError, ModelConfigurationError } from "@smol/core";
import { isNetworkError, isRetryableStatus, parseRetryAfter } from "@smol/core/provider-kit";

/** Bedrock's exceptions that say "try again": throttling, overload, a model still loading or failing mid-stream. */
const retryableExceptions = new Set([
  "ThrottlingException",
  "ServiceUnavailableException",
  "InternalServerException",
  "ModelNotReadyException",
  "ModelTimeoutException",
  "ModelStreamErrorException",
]);

const hints: Record<string, string> = {
  AccessDeniedException:
    " Check the credentials, and that access to this model is granted in the Bedrock console for this region.",
  UnrecognizedClientException: " Check the AWS credentials (access key id, secret, session token).",
  ResourceNotFoundException:
    " Check `modelId` (some models need an inference profile id, e.g. `us.` + the model id) and the region.",
};

/**
 * The AWS SDK's errors as `ModelApiError`s: Bedrock's exceptions keep their HTTP status (none for
 * an exception sent inside a stream) and are retryable by kind; connection failures (HTTP/1.1 or
 * HTTP/2) and a stream cut mid-frame are retryable. `undefined` for anything else.
 */
export function bedrockErrorToModelApiError(error: unknown): ModelApiError | undefined {
  if (error instanceof BedrockRuntimeServiceException || isServiceException(error)) {
    const { name, message } = error as Error;
    const statusCode = (error as BedrockRuntimeServiceException).$metadata?.httpStatusCode;
    const retryable =
      retryableExceptions.has(name) ||
      (error as BedrockRuntimeServiceException).$retryable !== undefined ||
      (statusCode !== undefined && isRetryableStatus(statusCode));
    return new ModelApiError(`Amazon Bedrock ${name}: ${message}${hints[name] ?? ""}`, {
      statusCode,
      isRetryable: retryable,
      retryAfterSeconds: parseRetryAfter((error as BedrockRuntimeServiceException).$response?.headers),
      cause: error,
    });
  }
  if (isNetworkError(error) || isHttp2Failure(error) || isSdkTimeout(error) || isCutEventStream(error)) {
    return new ModelApiError(`The connection to Amazon Bedrock failed: ${describe(error)}`, {
      isRetryable: true,
      cause: error,
    });
  }
  return undefined;
}

/**
 * Errors of the setup rather than of the API, turned into a `ModelConfigurationError` that says
 * what to set; `undefined` for others.
 */
export function bedrockConfigurationError(error: unknown): ModelConfigurationError | undefined {
  if (!(error instanceof Error)) return undefined;
  // With no AWS credentials the SDK falls back to Bedrock API keys, and fails on the missing token.
  if (error.name === "CredentialsProviderError" || /could not be signed with `token`/.test(error.message)) {
    return new ModelConfigurationError(
      `AmazonBedrockModel found no AWS credentials (${error.message}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ` +
        "(or AWS_PROFILE, or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key), or pass clientOptions: { credentials }.",
      { cause: error },
    );
  }
  if (/region is missing|region not accepted/i.test(error.message)) {
    return new ModelConfigurationError(
      `AmazonBedrockModel needs a valid AWS region (${error.message}): set AWS_REGION, or pass clientOptions: { region: "us-east-1" }.`,
      { cause: error },
    );
  }
  return undefined;
}

/** A Bedrock exception from another copy of the SDK, which `instanceof` does not recognise. */
function isServiceException(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "$fault" in error &&
    "$metadata" in error &&
    typeof (error as { name?: unknown }).name === "string"
  );
}

/** Node's HTTP/2 session and stream failures: GOAWAY, RST_STREAM, a session destroyed under a request. */
function isHttp2Failure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_HTTP2_");
}

/**
 * The SDK's HTTP handlers name both a timeout and an HTTP/2 session that closed before answering
 * `TimeoutError`; either way the request may be sent again.
 */
function isSdkTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === "TimeoutError";
}

/** The event-stream decoder's complaint when the body ends inside a frame. */
function isCutEventStream(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    (error instanceof Error && /truncated event message|premature close|aborted/i.test(error.message))
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}
