import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { Tool, type ToolCallOptions, type ToolInputs, type ToolOutputType } from "@smol/core";

/** Options of `UserInputTool`. */
export interface UserInputToolOptions {
  /** Where answers are read from; default `process.stdin`. */
  input?: Readable;
  /** Where questions are written; default `process.stdout`. */
  output?: Writable;
}

/**
 * `user_input(question)`: asks the user a question on the terminal and returns the line they
 * type. Lines typed ahead (or piped in) are kept for the next questions, in order. When the input
 * is closed the tool answers that no answer can come, instead of waiting forever.
 *
 * @example
 * const agent = new CodeAgent({ tools: [new UserInputTool()], model });
 * // in a test: new UserInputTool({ input: Readable.from(["Paris\n"]), output: new PassThrough() })
 */
export class UserInputTool extends Tool {
  name = "user_input";
  description =
    "Asks the user a question and returns their answer. Use it when you need a detail only the user knows.";
  inputs = {
    question: { type: "string", description: "The question to ask the user." },
  } satisfies ToolInputs;
  outputType: ToolOutputType = "string";

  readonly #input: Readable;
  readonly #output: Writable;
  #reader: LineReader | undefined;

  constructor(options: UserInputToolOptions = {}) {
    super();
    this.#input = options.input ?? process.stdin;
    this.#output = options.output ?? process.stdout;
  }

  async forward({ question }: { question: string }, options: ToolCallOptions = {}): Promise<string> {
    this.#reader ??= new LineReader(this.#input);
    this.#output.write(`${question} => Type your answer here: `);
    const answer = await this.#reader.nextLine(options.signal);
    if (answer === undefined) {
      return "The user could not answer: the terminal input is closed. Go on without their answer.";
    }
    return answer;
  }
}

/**
 * Lines of a stream, one at a time on demand. The stream is paused while no one waits for a
 * line, so that an idle tool does not keep the process alive.
 */
class LineReader {
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string | undefined) => void)[] = [];
  readonly #interface: Interface;
  #closed = false;

  constructor(input: Readable) {
    this.#interface = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    this.#interface.on("line", (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
      if (this.#waiting.length === 0) this.#interface.pause();
    });
    this.#interface.on("close", () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter(undefined);
    });
  }

  nextLine(signal?: AbortSignal): Promise<string | undefined> {
    signal?.throwIfAborted();
    const buffered = this.#lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = (line: string | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(line);
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        if (this.#waiting.length === 0) this.#interface.pause();
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#interface.resume();
    });
  }
}
