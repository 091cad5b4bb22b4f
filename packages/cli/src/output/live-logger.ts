import { AgentLogger, LogLevel, shouldUseColor } from "@smol/core";
import { Spinner } from "./spinner.js";
import { isLiveTerminal, type OutputStream } from "./terminal.js";

export interface LiveLoggerOptions {
  stream: OutputStream;
  level: LogLevel;
  environment?: NodeJS.ProcessEnv;
}

/**
 * Core's `AgentLogger` (panels, highlighted code, observations, errors, the step footer with
 * duration and tokens) plus what a live terminal adds: the model's text as it streams, and a
 * spinner while the model thinks, the sandbox boots or a tool runs. Plain text, without
 * spinner or colours, when the stream is not a terminal or `NO_COLOR` is set.
 *
 * @example
 * const logger = new LiveLogger({ stream: process.stdout, level: LogLevel.INFO });
 * const agent = new CodeAgent({ tools: [], model, logger });
 * for await (const event of agent.run(task, { stream: true }))
 *   if (event.type === "stream-delta") logger.streamText(event.delta.content ?? "");
 */
export class LiveLogger extends AgentLogger {
  readonly spinner: Spinner;
  readonly #stream: OutputStream;
  #midLine = false;
  #codeRuns = 0;
  #interrupted = false;

  constructor(options: LiveLoggerOptions) {
    const environment = options.environment ?? process.env;
    // The logger's writes go through `hooks`, set once `this` exists: each write first clears
    // the spinner and ends a line of streamed text.
    const hooks = { beforeWrite: () => {} };
    super({
      level: options.level,
      color: shouldUseColor(options.stream, environment),
      output: (text) => {
        hooks.beforeWrite();
        options.stream.write(text);
      },
    });
    this.#stream = options.stream;
    this.spinner = new Spinner(
      (text) => options.stream.write(text),
      isLiveTerminal(options.stream, environment),
    );
    hooks.beforeWrite = () => this.#startCleanLine();
  }

  /** Follows the terminal's width, as the stream-based logger does. */
  override get width(): number {
    const columns = this.#stream.isTTY ? this.#stream.columns : undefined;
    return typeof columns === "number" && columns > 0 ? Math.max(columns, 40) : 100;
  }

  /** The model's text as it arrives (INFO and above). */
  streamText(text: string): void {
    if (text === "" || !this.isEnabled(LogLevel.INFO)) return;
    this.spinner.stop();
    this.#stream.write(text);
    this.#midLine = !text.endsWith("\n");
  }

  /** A dim line of information: which model was picked, a download, a warning. */
  notice(text: string, level: LogLevel = LogLevel.INFO): void {
    if (!this.isEnabled(level)) return;
    this.#startCleanLine();
    this.#stream.write(this.color ? `\u001b[2m${text}\u001b[0m\n` : `${text}\n`);
  }

  /** Shows the spinner until the next output. */
  waitFor(label: string): void {
    if (this.isEnabled(LogLevel.INFO)) this.spinner.start(label);
  }

  override logRule(title: string, level: LogLevel = LogLevel.INFO): void {
    super.logRule(title, level);
    if (/^Step \d+/.test(title)) this.waitFor("Waiting for the model");
  }

  override logCode(code: string, options: { title?: string; level?: LogLevel } = {}): void {
    super.logCode(code, options);
    // The sandbox boots while the model writes its first step; it may still be booting here.
    this.waitFor(this.#codeRuns++ === 0 ? "Starting the sandbox and running the code" : "Running the code");
  }

  override logToolCall(name: string, args: unknown, level: LogLevel = LogLevel.INFO): void {
    super.logToolCall(name, args, level);
    this.waitFor(`Running ${name}`);
  }

  /**
   * The run is being interrupted: the errors its steps end with are the interruption itself,
   * which the command reports once when the run is over; they are not printed here too.
   */
  interrupted(): void {
    this.#interrupted = true;
  }

  override logError(message: string): void {
    if (!this.#interrupted) super.logError(message);
  }

  /** Stops the spinner and ends a line left open; call when the run is over. */
  finish(): void {
    this.#startCleanLine();
  }

  #startCleanLine(): void {
    this.spinner.stop();
    if (this.#midLine) {
      this.#stream.write("\n");
      this.#midLine = false;
    }
  }
}
