import {
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from "@huggingface/inference";
import { ModelApiError, ModelConfigurationError, type SmolError } from "@smol/core";
import { parseRetryAfter } from "@smol/core/provider-kit";

export interface HFErrorContext {
  /** The headers of the response the SDK turned into an error (it keeps only the status). */
  responseHeaders: Headers | undefined;
  timedOut: boolean;
  timeoutSeconds: number | undefined;
  /** Where the request went, for the messages: "the auto router", "https://…". */
  target: string;
}

/**
 * `@huggingface/inference`'s errors as smol's: HTTP failures become `ModelApiError`s with their
 * status and `Retry-After`, a timeout a retryable one, and the SDK's input and routing errors
 * (a provider key used with the auto router, …) `ModelConfigurationError`s, which are not retried.
 * `undefined` for anything else, which `ApiModel` maps with its defaults (network errors).
 */
export function hfErrorToSmolError(error: unknown, context: HFErrorContext): SmolError | undefined {
  if (context.timedOut) {
    return new ModelApiError(
      `${context.target} did not answer within ${context.timeoutSeconds} s (the \`timeout\` option).`,
      { isRetryable: true, cause: error },
    );
  }
  if (error instanceof InferenceClientProviderApiError || error instanceof InferenceClientHubApiError) {
    const status = error.httpResponse.status;
    // An error sent inside a 200 stream has no status of its own.
    const statusCode = status >= 400 ? status : undefined;
    const source = error instanceof InferenceClientHubApiError ? "The Hugging Face Hub" : context.target;
    return new ModelApiError(
      `${source} answered with an error${statusCode ? ` ${statusCode}` : ""}: ${error.message}${hint(statusCode)}`,
      {
        statusCode,
        isRetryable: statusCode === undefined ? false : undefined,
        retryAfterSeconds: parseRetryAfter(context.responseHeaders),
        responseBody: error.httpResponse.body,
        cause: error,
      },
    );
  }
  if (error instanceof InferenceClientProviderOutputError) {
    return new ModelApiError(`${context.target} sent a reply that could not be read: ${error.message}`, {
      isRetryable: false,
      cause: error,
    });
  }
  if (error instanceof InferenceClientRoutingError || error instanceof InferenceClientInputError) {
    const advice = /auto-router/.test(error.message)
      ? ' The "auto" router needs a Hugging Face token (hf_…); with a provider\'s own key, name the provider, e.g. provider: "together".'
      : "";
    return new ModelConfigurationError(`InferenceClientModel: ${error.message}${advice}`, { cause: error });
  }
  return undefined;
}

function hint(statusCode: number | undefined): string {
  if (statusCode === 401) return " Check `token` (or the HF_TOKEN environment variable).";
  if (statusCode === 402)
    return " The account's included credits are used up; `billTo` can bill an organization instead.";
  if (statusCode === 404)
    return " Check `modelId` and `provider`: the model may not be served by this provider.";
  return "";
}
