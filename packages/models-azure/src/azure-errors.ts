import { ModelApiError } from "@smol/core";
import { isRetryableStatus, parseRetryAfter } from "@smol/core/provider-kit";
import { APIError, APIUserAbortError } from "openai";

/**
 * Azure's HTTP errors as `ModelApiError`s, with the hints that fit Azure: a 401 is about the key
 * or Entra ID token, a 404 about the deployment name or API version. `undefined` for anything
 * else (connection failures, aborts), which `OpenAIModel` maps the OpenAI way.
 */
export function azureErrorToModelApiError(
  error: unknown,
  context: { deployment: string; endpoint: string | undefined },
): ModelApiError | undefined {
  if (
    !(error instanceof APIError) ||
    error instanceof APIUserAbortError ||
    typeof error.status !== "number"
  ) {
    return undefined;
  }
  const statusCode = error.status;
  return new ModelApiError(`Azure OpenAI API error: ${error.message}${hint(statusCode, context)}`, {
    statusCode,
    isRetryable: isRetryableStatus(statusCode),
    retryAfterSeconds: parseRetryAfter(error.headers),
    responseBody: error.error,
    cause: error,
  });
}

function hint(statusCode: number, context: { deployment: string; endpoint: string | undefined }): string {
  if (statusCode === 401 || statusCode === 403) {
    return " Check `apiKey` (or AZURE_OPENAI_API_KEY), or the Entra ID token provider's scope and role.";
  }
  if (statusCode === 404) {
    return (
      ` Check that "${context.deployment}" is a deployment name (not a model name) on ${context.endpoint ?? "the resource"},` +
      " and that `apiVersion` (or OPENAI_API_VERSION) is one Azure supports."
    );
  }
  return "";
}
