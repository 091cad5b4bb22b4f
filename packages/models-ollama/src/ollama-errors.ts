import { ModelApiError } from "@smol/core";
import { isNetworkError, parseRetryAfter } from "@smol/core/provider-kit";

export interface OllamaErrorContext {
  host: string;
  modelId: string;
  responseHeaders: Headers | undefined;
  timedOut: boolean;
  timeoutSeconds: number | undefined;
}

/**
 * The `ollama` client's failures as `ModelApiError`s. Its HTTP errors (`ResponseError`, not
 * exported by the package, recognised by name) keep their status; a model that is not pulled gets
 * the command that fixes it; a server that is not running gets a hint to start it. `undefined`
 * for anything else.
 */
export function ollamaErrorToModelApiError(
  error: unknown,
  context: OllamaErrorContext,
): ModelApiError | undefined {
  if (context.timedOut) {
    return new ModelApiError(
      `Ollama at ${context.host} did not answer within ${context.timeoutSeconds} s (the \`timeout\` option; a large model can take long to load).`,
      { isRetryable: true, cause: error },
    );
  }
  if (isResponseError(error)) {
    const statusCode = error.status_code;
    const notPulled = statusCode === 404 && /not found/i.test(error.error);
    const hint = notPulled ? ` Pull it first: ollama pull ${context.modelId}` : "";
    return new ModelApiError(`Ollama error ${statusCode}: ${error.error}.${hint}`, {
      statusCode,
      retryAfterSeconds: parseRetryAfter(context.responseHeaders),
      responseBody: { error: error.error },
      cause: error,
    });
  }
  if (isNetworkError(error)) {
    const refused = hasCode(error, "ECONNREFUSED");
    return new ModelApiError(
      `Could not reach Ollama at ${context.host}${refused ? ": nothing listens there. Is it running (ollama serve)?" : "."}`,
      { isRetryable: true, cause: error },
    );
  }
  return undefined;
}

/**
 * Errors the client's stream reader throws as plain `Error`s: an `{"error": …}` line sent by the
 * server mid-stream, or a stream that ended without its `done` line.
 */
export function ollamaStreamErrorToModelApiError(error: unknown, host: string): ModelApiError | undefined {
  if (!(error instanceof Error) || error.constructor !== Error) return undefined;
  const cut = /did not receive done/i.test(error.message);
  return new ModelApiError(
    cut
      ? `The stream from Ollama at ${host} ended before the reply was complete.`
      : `Ollama failed while streaming: ${error.message}`,
    { isRetryable: cut, cause: error },
  );
}

function isResponseError(error: unknown): error is Error & { error: string; status_code: number } {
  return (
    error instanceof Error &&
    error.name === "ResponseError" &&
    typeof (error as { status_code?: unknown }).status_code === "number"
  );
}

function hasCode(error: unknown, code: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if ((current as { code?: unknown }).code === code) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
