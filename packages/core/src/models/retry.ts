import type { ModelApiError } from "../errors.js";

/** How `ApiModel` retries a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Wait before the first retry when the server did not say; doubles with each retry. */
  baseDelayMs: number;
  /** No wait is longer: backoff is capped here, and a longer `Retry-After` ends the retries. */
  maxDelayMs: number;
  /** Source of jitter, in [0, 1). */
  random?: () => number;
}

/**
 * How long to wait before retry number `retryIndex + 1`, or `undefined` to give up.
 * A server's `Retry-After` is honoured as given; otherwise the wait grows exponentially with
 * "equal jitter" (half fixed, half random) so that clients failed together do not retry together.
 */
export function retryDelayMs(
  retryIndex: number,
  error: ModelApiError,
  policy: RetryPolicy,
): number | undefined {
  if (error.retryAfterSeconds !== undefined) {
    const requested = Math.max(0, error.retryAfterSeconds * 1000);
    // Waiting longer than the configured maximum would look like a hang: surface the error instead.
    return requested <= policy.maxDelayMs ? requested : undefined;
  }
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  const random = policy.random ?? Math.random;
  return exponential / 2 + (random() * exponential) / 2;
}

type HeaderSource = Headers | Record<string, string | string[] | null | undefined> | null | undefined;

/**
 * Seconds a server asked us to wait: `retry-after-ms` (OpenAI's, in milliseconds) first, then
 * `retry-after` as seconds or as an HTTP date. `undefined` when absent or unreadable.
 *
 * @example
 * parseRetryAfter(new Headers({ "retry-after": "2" })); // 2
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(readHeader(headers, "retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = readHeader(headers, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | null | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : (value ?? undefined);
}

/** Resolves after `milliseconds`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The error to throw for an aborted signal: its reason, or a standard `AbortError`. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}
