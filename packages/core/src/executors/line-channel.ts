import { MAX_PROTOCOL_LINE_LENGTH } from "./protocol.js";

/**
 * Turns chunks of bytes (or text) into an async iterable of lines, for transports built on a
 * byte stream: a child process's stdout, a container's attached stream, a remote process's
 * output callback. Lines are split on `\n` (a trailing `\r` is dropped) and decoded as UTF-8
 * once whole, so a multi-byte character split across two chunks survives.
 *
 * What it holds is bounded, whatever the other side writes: a line longer than `maxLineLength`
 * bytes, or more than `maxQueuedLength` characters of lines not yet read, stops the channel
 * (`onOverflow` is called once, and nothing more is read). A runtime that follows the protocol
 * sends one message and waits for the host's answer, so it never has a backlog.
 *
 * @example
 * const channel = new LineChannel({ onOverflow: () => child.kill() });
 * child.stdout.on("data", (chunk) => channel.write(chunk));
 * child.stdout.on("end", () => channel.end());
 * for await (const line of channel) console.log(line);
 */
export class LineChannel implements AsyncIterable<string> {
  readonly #maxLineLength: number;
  readonly #maxQueuedLength: number;
  readonly #onOverflow: (length: number, what: "line" | "backlog") => void;
  readonly #decoder = new TextDecoder("utf-8");
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #overflowed = false;
  #ended = false;
  readonly #queue: string[] = [];
  #queuedLength = 0;
  #wake: (() => void) | undefined;
  #iterated = false;

  /**
   * @param options.maxLineLength longest line, in bytes; default `MAX_PROTOCOL_LINE_LENGTH`.
   * @param options.maxQueuedLength most characters of lines received but not yet read; default
   *   twice `maxLineLength` (a whole line waiting plus the next one arriving).
   * @param options.onOverflow called once when either limit is passed, with the length reached
   *   and which limit it was.
   */
  constructor(
    options: {
      maxLineLength?: number;
      maxQueuedLength?: number;
      onOverflow?: (length: number, what: "line" | "backlog") => void;
    } = {},
  ) {
    this.#maxLineLength = options.maxLineLength ?? MAX_PROTOCOL_LINE_LENGTH;
    this.#maxQueuedLength = options.maxQueuedLength ?? 2 * this.#maxLineLength;
    this.#onOverflow = options.onOverflow ?? (() => {});
  }

  /** Adds output; complete lines become available to the iterator. */
  write(chunk: Uint8Array | string): void {
    if (this.#ended || this.#overflowed) return;
    let bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    let newline = bytes.indexOf(0x0a);
    while (newline !== -1) {
      this.#pending.push(bytes.subarray(0, newline));
      this.#pendingLength += newline;
      if (!this.#checkLength()) return;
      if (!this.#push(this.#takePending())) return;
      bytes = bytes.subarray(newline + 1);
      newline = bytes.indexOf(0x0a);
    }
    if (bytes.length > 0) {
      this.#pending.push(bytes);
      this.#pendingLength += bytes.length;
      this.#checkLength();
    }
  }

  /**
   * Adds a line that is already whole (from another stream, such as stderr). It goes straight to
   * the queue: mixing it into `write()` would splice it into a half-received stdout line and
   * corrupt a protocol message.
   */
  writeLine(line: string): void {
    if (this.#ended || this.#overflowed) return;
    this.#push(line.length > this.#maxLineLength ? line.slice(0, this.#maxLineLength) : line);
  }

  /** The stream is over: an unterminated last line is delivered, then the iterator ends. */
  end(): void {
    if (this.#ended) return;
    if (this.#pendingLength > 0 && !this.#overflowed) this.#push(this.#takePending());
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.#iterated) throw new Error("a LineChannel can be read only once");
    this.#iterated = true;
    while (true) {
      const line = this.#queue.shift();
      if (line !== undefined) {
        this.#queuedLength -= line.length;
        yield line;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  #checkLength(): boolean {
    if (this.#pendingLength <= this.#maxLineLength) return true;
    // Keeping an unbounded line in memory would let the guest exhaust the host: stop reading.
    this.#overflowed = true;
    this.#pending = [];
    this.#onOverflow(this.#pendingLength, "line");
    return false;
  }

  #takePending(): string {
    const bytes =
      this.#pending.length === 1
        ? (this.#pending[0] as Uint8Array)
        : concat(this.#pending, this.#pendingLength);
    this.#pending = [];
    this.#pendingLength = 0;
    let line = this.#decoder.decode(bytes);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    return line;
  }

  /** Queues a line; false (and the channel stops) when the backlog would pass its limit. */
  #push(line: string): boolean {
    if (this.#queuedLength + line.length > this.#maxQueuedLength) {
      this.#overflowed = true;
      this.#pending = [];
      this.#pendingLength = 0;
      this.#onOverflow(this.#queuedLength + line.length, "backlog");
      return false;
    }
    this.#queuedLength += line.length;
    this.#queue.push(line);
    this.#wake?.();
    return true;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
