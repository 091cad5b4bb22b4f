/**
 * One request's view of the network: a `fetch` that follows the caller's `AbortSignal` and a
 * timeout, and that keeps the last response so that its headers (`Retry-After`) can be read after
 * the SDK has turned it into an error that no longer holds them.
 *
 * The timeout counts silence, not the length of a reply: `touch()` on each streamed event restarts
 * it, so a long stream that keeps flowing is never cut, while a server that stops answering is.
 */
export class RequestScope {
  /** The response the SDK received last, if any. */
  lastResponse: Response | undefined;
  /** True once the timeout fired. */
  timedOut = false;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort: () => void;

  constructor(
    private readonly baseFetch: typeof fetch,
    private readonly timeoutMs: number | undefined,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
    this.touch();
  }

  /** The signal the request runs under: the caller's abort or the timeout, whichever comes first. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const signal = init?.signal
      ? AbortSignal.any([init.signal, this.controller.signal])
      : this.controller.signal;
    const response = await this.baseFetch(input, { ...init, signal });
    this.lastResponse = response;
    return response;
  };

  /** Restart the timeout: the server just showed it is alive. */
  touch(): void {
    if (this.timeoutMs === undefined || this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException(`No answer within ${this.timeoutMs} ms.`, "TimeoutError"));
    }, this.timeoutMs);
  }

  /** Close the request's connection: its reply will not be read. */
  abandon(): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(new DOMException("The reply is no longer being read.", "AbortError"));
    }
  }

  /** Stop the timer and let go of the caller's signal; the request is over. */
  finish(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }
}
