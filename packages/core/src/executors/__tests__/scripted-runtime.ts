import { setImmediate as nextTurn } from "node:timers/promises";
import { LineChannel } from "../line-channel.js";
import type { HostMessage } from "../protocol.js";
import type { RuntimeTransport } from "../transport.js";

/** Bytes a pipe hands Node at a time: what `LineChannel` sees from a real process. */
const PIPE_CHUNK = 64 * 1024;

/**
 * A transport whose runtime is played by the test, to send the host what a hostile guest could
 * write on its stdout. It answers `init` with `ready` and, unless told otherwise, acknowledges
 * `define_tools` and `set_variables`; everything else is up to the test.
 */
export class ScriptedRuntime implements RuntimeTransport {
  readonly lines: LineChannel;
  readonly closed: Promise<{ reason: string }>;
  readonly received: HostMessage[] = [];
  killed = false;
  /** Leave `define_tools` and `set_variables` unanswered (a guest that replaced the handler). */
  wedged = false;
  /** Do not confirm writes of tool results (a runtime that never reads its stdin). */
  stalledInput = false;
  #close!: (value: { reason: string }) => void;
  #nonce = "";
  #waiters: ((message: HostMessage) => void)[] = [];

  constructor() {
    this.lines = new LineChannel({
      onOverflow: (length, what) => void this.#die(`overflow: ${what} of ${length}`),
    });
    this.closed = new Promise((resolve) => {
      this.#close = resolve;
    });
  }

  get prefix(): string {
    return `smol:${this.#nonce} `;
  }

  async writeLine(line: string): Promise<void> {
    if (this.killed) throw new Error("EPIPE");
    const message = JSON.parse(line) as HostMessage;
    this.received.push(message);
    for (const waiter of this.#waiters.splice(0)) waiter(message);
    if (message.type === "init") {
      this.#nonce = message.nonce;
      this.send({ type: "ready", protocol: 1, python: "3.12.0", implementation: "scripted" });
    } else if ((message.type === "define_tools" || message.type === "set_variables") && !this.wedged) {
      this.send({ type: "ack", id: message.id });
    } else if (message.type === "tool_result" && this.stalledInput) {
      await new Promise(() => {}); // never confirmed, like a write to a pipe nobody reads
    }
  }

  /** Resolves with the next message the host sends of this type. */
  next(type: HostMessage["type"]): Promise<HostMessage> {
    return new Promise((resolve) => {
      const wait = (message: HostMessage) => {
        if (message.type === type) resolve(message);
        else this.#waiters.push(wait);
      };
      this.#waiters.push(wait);
    });
  }

  async kill(): Promise<void> {
    await this.#die("killed by the host");
  }

  send(message: Record<string, unknown>): void {
    this.lines.write(`${this.prefix}${JSON.stringify(message)}\n`);
  }

  /** Writes bytes the way a pipe delivers them: in 64 KiB chunks, one per turn of the event loop. */
  async feed(bytes: Uint8Array): Promise<void> {
    for (let offset = 0; offset < bytes.length && !this.killed; offset += PIPE_CHUNK) {
      this.lines.write(bytes.subarray(offset, offset + PIPE_CHUNK));
      await nextTurn();
    }
  }

  /** A framed line as bytes, built before the measurement starts (building it is the test's cost). */
  framed(json: string): Uint8Array {
    return Buffer.from(`${this.prefix}${json}\n`, "latin1");
  }

  async #die(reason: string): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    this.lines.end();
    this.#close({ reason });
  }
}
