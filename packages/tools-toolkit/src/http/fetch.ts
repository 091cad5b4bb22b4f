/** The `fetch` the web tools call; pass your own to route requests (a proxy, a test server). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How the web tools introduce themselves when no `userAgent` is given. */
export const DEFAULT_USER_AGENT =
  "Mozilla/5.0 (compatible; smol-agents/0.1; +https://www.npmjs.com/package/@smol/tools-toolkit)";

/** A request took longer than its tool's `timeoutSeconds`. */
export class HttpTimeoutError extends Error {
  override readonly name = "HttpTimeoutError";
  constructor(readonly timeoutSeconds: number) {
    super(`no complete answer within ${timeoutSeconds} s`);
  }
}

/**
 * Runs `work` with a signal that aborts after `timeoutSeconds` or when `signal` aborts. The
 * timeout rejects with `HttpTimeoutError`; the caller's abort rejects with the caller's reason,
 * so an interrupted agent is not mistaken for a slow site.
 */
export async function withTimeout<T>(
  timeoutSeconds: number,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new HttpTimeoutError(timeoutSeconds)),
    timeoutSeconds * 1000,
  );
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", forwardAbort, { once: true });
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forwardAbort);
  }
}

/**
 * `fetch`, tried a second time when the connection is reset before any answer: a kept-alive
 * socket that the server closed while it sat idle fails this way, and a new one works. Only for
 * requests that may be sent twice (GET).
 */
export async function fetchRetryingReset(
  fetchFunction: FetchFunction,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetchFunction(url, init);
  } catch (error) {
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" || init.signal?.aborted || !isConnectionReset(error)) throw error;
    return await fetchFunction(url, init);
  }
}

function isConnectionReset(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return code === "ECONNRESET" || code === "UND_ERR_SOCKET";
}

/** A body read with a size cap. */
export interface BodyText {
  text: string;
  /** The body was longer than the cap and was cut. */
  truncated: boolean;
}

/**
 * Reads a response body as text, stopping after `maxBytes` (a page may be a video or endless).
 * The charset comes from the `content-type` header, UTF-8 when it names none or an unknown one.
 */
export async function readBodyText(response: Response, maxBytes: number): Promise<BodyText> {
  const decoder = textDecoderFor(response.headers.get("content-type"));
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - size;
    if (value.byteLength >= room) {
      chunks.push(value.subarray(0, room));
      size += room;
      truncated = value.byteLength > room;
      if (!truncated) continue;
      await reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: decoder.decode(bytes), truncated };
}

/** Drops a body we will not read, so the connection is freed. */
export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

function textDecoderFor(contentType: string | null): TextDecoder {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset);
    } catch {
      // An unknown label: fall through to UTF-8, right for most of the web.
    }
  }
  return new TextDecoder("utf-8");
}

/** The media type of a `content-type` header, lower case and without parameters. */
export function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Says why a request failed, for a message the model reads: a timeout, a refused connection, an
 * unknown host, … (undici hides the reason in `error.cause`).
 */
export function describeRequestError(error: unknown): string {
  if (error instanceof HttpTimeoutError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const known: Record<string, string> = {
    ENOTFOUND: "the host name could not be resolved",
    EAI_AGAIN: "the host name could not be resolved (DNS failure)",
    ECONNREFUSED: "the connection was refused",
    ECONNRESET: "the connection was reset",
    ETIMEDOUT: "the connection timed out",
    UND_ERR_SOCKET: "the connection was closed by the server",
    CERT_HAS_EXPIRED: "the site's TLS certificate has expired",
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  const detail = typeof cause?.message === "string" ? `: ${cause.message}` : "";
  return `${error.message}${detail}`;
}

/** The caller's abort (an interrupted agent) must stop the run, not become an observation. */
export function isCallerAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error === signal.reason || (error as Error)?.name === "AbortError");
}
