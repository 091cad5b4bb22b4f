import { ModelApiError, SmolError } from "../errors.js";
import { parseRetryAfter } from "./retry.js";

/** Error codes of Node's sockets and of undici (Node's fetch) that mean "the network failed". */
const networkErrorCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * True for failures of the connection itself: refused, reset, timed out, or a response body cut
 * off (undici's `TypeError: terminated`, `fetch failed`). The cause chain is searched, since
 * SDKs wrap these.
 */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === "string" && networkErrorCodes.has(code)) return true;
    if (name === "TypeError" && (message === "terminated" || message === "fetch failed")) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The mapping `ApiModel` uses when a provider adds none: an existing `ModelApiError` as is, an
 * HTTP error object with a numeric `status`/`statusCode` (most SDKs throw one), or a network
 * failure. Anything else is `undefined`: a bug, not worth retrying.
 */
export function defaultToModelApiError(error: unknown, providerName: string): ModelApiError | undefined {
  if (ModelApiError.isInstance(error)) return error;
  // Our own errors (a missing key, a model that cannot load) already say what to do; a network
  // failure somewhere in their cause chain does not make them worth retrying.
  if (SmolError.isInstance(error)) return undefined;
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = error as {
    status?: unknown;
    statusCode?: unknown;
    headers?: unknown;
    message?: unknown;
    error?: unknown;
    body?: unknown;
  };
  const statusCode = [candidate.status, candidate.statusCode].find(
    (value): value is number => typeof value === "number" && value >= 100 && value < 600,
  );
  const detail = typeof candidate.message === "string" ? candidate.message : String(error);
  if (statusCode !== undefined) {
    return new ModelApiError(`${providerName} API error ${statusCode}: ${detail}`, {
      statusCode,
      retryAfterSeconds: parseRetryAfter(candidate.headers as Headers | undefined),
      responseBody: candidate.error ?? candidate.body,
      cause: error,
    });
  }
  if (isNetworkError(error)) {
    return new ModelApiError(`The connection to the ${providerName} API failed: ${networkDetail(error)}`, {
      isRetryable: true,
      cause: error,
    });
  }
  return undefined;
}

/** The innermost message of a cause chain: "fetch failed" alone says little, "other side closed" more. */
function networkDetail(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    if (typeof message === "string" && message)
      messages.push(typeof code === "string" ? `${message} (${code})` : message);
    current = (current as { cause?: unknown }).cause;
  }
  return messages.join(": ") || String(error);
}
