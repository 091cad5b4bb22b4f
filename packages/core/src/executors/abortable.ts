import { abortReason } from "../models/retry.js";

/**
 * Waits for `work`, but rejects with the signal's reason as soon as `signal` aborts: for a caller
 * that must be freed at once even when what it waits for has only a slower deadline of its own.
 * `work` itself is not cancelled (whoever started it still owns it).
 *
 * @example
 * await untilAborted(executorReady, runSignal);
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
