import { ExecutorError } from "../errors.js";
import type { Tool } from "../tools/tool.js";
import type { ToolCallOptions } from "../tools/types.js";
import {
  createNonce,
  type HostMessage,
  MAX_ERROR_TEXT_LENGTH,
  parseRuntimeLine,
  protocolPrefix,
  type RuntimeMessage,
} from "./protocol.js";
import type { CodeError, CodeOutput, PythonVariables } from "./python-executor.js";
import { fromWireValue, MalformedValueError, type WireValue } from "./tagged-values.js";
import { answerToolCall, toolWireSpec } from "./tool-bridge.js";
import type { RuntimeTransport } from "./transport.js";
import { truncateContent } from "./truncate.js";

/** Why a session ended. `errorType` is what the model sees if it ended during a run. */
export interface SessionEnd {
  reason: string;
  errorType: string;
  /** The runtime broke the protocol (a forged or malformed line). */
  violation: boolean;
}

/** What a runtime says about itself in `ready`. */
export interface RuntimeInfo {
  /** Python version, e.g. `3.11.7`. */
  python: string;
  /** `cpython`, `pyodide`, … */
  implementation: string;
  /** `sys.executable`; empty under Pyodide. */
  executable: string;
}

/** Options of `RuntimeSession.start`. */
export interface RuntimeSessionOptions {
  /** The full allow-list (base modules included); see `authorizedImports()`. */
  authorizedImports: string[];
  maxPrintOutputsLength: number;
  /** How long to wait for the runtime's `ready`; default 60 s. */
  startTimeoutSeconds?: number;
  signal?: AbortSignal;
}

type Reply = Extract<RuntimeMessage, { type: "ack" | "result" | "variables" | "error" }>;

/** What each kind of request is answered with (besides `error`, which any request may get). */
const EXPECTED_REPLY = { ack: "ack", run: "result", variables: "variables" } as const;

interface PendingRequest {
  id: string;
  kind: keyof typeof EXPECTED_REPLY;
  resolve(message: Reply): void;
  reject(error: unknown): void;
}

const DEFAULT_ERROR_TYPE = "SandboxError";

/**
 * How long the runtime has to acknowledge `define_tools` or `set_variables`: it does nothing but
 * build functions and decode values, so 5 s, plus 2 s for each MiB of the request (decoding
 * big variables under Pyodide is slow). A runtime that does not answer in time is killed.
 */
export function ackDeadlineMs(requestLength: number): number {
  return 5_000 + Math.ceil((2_000 * requestLength) / (1024 * 1024));
}

/**
 * How long the runtime has to answer `get_variables`: it encodes at most 40,000 values and
 * 3 MiB of JSON (its caps), which takes well under a second in CPython and a few under Pyodide.
 * A runtime that does not answer in time is killed.
 */
export const VARIABLES_DEADLINE_MS = 15_000;

/**
 * Tool answers the host may have written without the transport confirming them. A runtime that
 * follows the protocol reads each answer before its next call; one that never reads would make
 * the host buffer every answer in memory.
 */
const MAX_UNCONFIRMED_ANSWERS = 8;

/** Longest account of a protocol violation kept in the session's end reason. */
const MAX_PROBLEM_LENGTH = 1_000;

/**
 * One running copy of the Python runtime, spoken to over a transport: it validates every line,
 * keeps stray output, answers the runtime's tool calls with the host's tools and turns replies
 * into `CodeOutput`s. Requests are sent one at a time. Once `end` is set the session is dead:
 * every pending and later request rejects with `ExecutorError`.
 *
 * The runtime is not trusted (the guest can write its own framed lines), so everything it sends
 * is bounded: the shape of each line (`parseRuntimeLine`), the texts kept from it, one tool call
 * answered at a time, and a deadline on every acknowledgement (`ackDeadlineMs`). Past a bound the
 * session ends as a violation. The limits are listed in docs/executor-protocol.md.
 *
 * Most code uses `RuntimeExecutor`, which restarts sessions; use a session directly to drive
 * a runtime by hand.
 *
 * @example
 * const session = await RuntimeSession.start(transport, { authorizedImports: authorizedImports(), maxPrintOutputsLength: 50_000 });
 * const output = await session.run("1 + 1"); // { output: 2, logs: "", isFinalAnswer: false }
 * await session.kill();
 */
export class RuntimeSession {
  readonly #transport: RuntimeTransport;
  readonly #prefix: string;
  readonly #maxPrintOutputsLength: number;
  readonly #toolAbort = new AbortController();
  #tools = new Map<string, Tool>();
  #pending: PendingRequest | undefined;
  /** A tool call is being answered: the real runtime waits for the answer before the next one. */
  #answering = false;
  /** The running code's `pauseTimeout`, handed to the tools it calls. */
  #pauseTimeout: ToolCallOptions["pauseTimeout"];
  #unconfirmedAnswers = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #requestCount = 0;
  #stray = "";
  #end: SessionEnd | undefined;
  #onReady: ((message: Extract<RuntimeMessage, { type: "ready" }>) => void) | undefined;
  readonly #ended: Promise<SessionEnd>;
  #resolveEnded!: (end: SessionEnd) => void;
  /** What the runtime reported about itself when it started. */
  info: RuntimeInfo = { python: "", implementation: "", executable: "" };

  private constructor(transport: RuntimeTransport, nonce: string, maxPrintOutputsLength: number) {
    this.#transport = transport;
    this.#prefix = protocolPrefix(nonce);
    this.#maxPrintOutputsLength = maxPrintOutputsLength;
    this.#ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  /** Sends `init` over a fresh transport and waits for `ready`. Throws `ExecutorError`. */
  static async start(transport: RuntimeTransport, options: RuntimeSessionOptions): Promise<RuntimeSession> {
    const nonce = createNonce();
    const session = new RuntimeSession(transport, nonce, options.maxPrintOutputsLength);
    const ready = new Promise<Extract<RuntimeMessage, { type: "ready" }>>((resolve) => {
      session.#onReady = resolve;
    });
    session.#read();
    const timeoutSeconds = options.startTimeoutSeconds ?? 60;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutSeconds * 1000);
    });
    const aborted = new Promise<"aborted">((resolve) => {
      if (options.signal?.aborted) resolve("aborted");
      options.signal?.addEventListener("abort", () => resolve("aborted"), { once: true });
    });
    try {
      // A failed write means the runtime is already gone: `ended` then gives the better reason.
      await session
        .#send({
          type: "init",
          nonce,
          authorizedImports: options.authorizedImports,
          maxPrintOutputsLength: options.maxPrintOutputsLength,
        })
        .catch(() => undefined);
      const first = await Promise.race([ready, session.#ended, timedOut, aborted]);
      if (first === "aborted") {
        await session.kill("start aborted");
        throw options.signal?.reason ?? new ExecutorError("The start of the Python runtime was aborted");
      }
      if (first === "timeout") {
        await session.kill("start timed out");
        throw new ExecutorError(
          `The Python runtime did not become ready within ${timeoutSeconds} s.${session.#strayHint()}`,
        );
      }
      if ("reason" in first) {
        throw new ExecutorError(
          `The Python runtime stopped before it was ready: ${first.reason}${session.#strayHint()}`,
        );
      }
      session.info = {
        python: first.python,
        implementation: first.implementation,
        executable: first.executable ?? "",
      };
      return session;
    } catch (error) {
      await session.kill("start failed");
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Set once the session is dead. */
  get end(): SessionEnd | undefined {
    return this.#end;
  }

  /** Resolves when the session dies, whatever the reason. */
  get ended(): Promise<SessionEnd> {
    return this.#ended;
  }

  /** Defines the tools as Python functions (replacing earlier ones). */
  /**
   * Defines the tools as Python functions (replacing earlier ones). A runtime that does not
   * acknowledge within `ackDeadlineMs` is killed, and this rejects with `ExecutorError`.
   */
  defineTools(tools: readonly Tool[]): Promise<void> {
    return this.#request("ack", (id) => {
      this.#tools = new Map(tools.map((tool) => [tool.name, tool]));
      return { type: "define_tools", id, tools: tools.map(toolWireSpec) };
    }).then(() => undefined);
  }

  /** Makes these already-encoded values Python globals; same deadline as `defineTools`. */
  setVariables(variables: Record<string, WireValue>): Promise<void> {
    return this.#request("ack", (id) => ({ type: "set_variables", id, variables })).then(() => undefined);
  }

  /**
   * The globals the code defined, in their wire encoding, and the names that cannot be carried
   * (see `PythonVariables`). Each value is checked to be a well-formed tagged value: a
   * malformed one is a protocol violation. Deadline: `VARIABLES_DEADLINE_MS`.
   */
  async getVariables(): Promise<PythonVariables> {
    const reply = await this.#request("variables", (id) => ({ type: "get_variables", id }));
    if (reply.type !== "variables") throw this.#violation(`a ${reply.type} where variables were expected`);
    const values: Record<string, WireValue> = {};
    for (const [name, value] of Object.entries(reply.variables)) {
      try {
        fromWireValue(value);
      } catch (error) {
        throw this.#violation(error instanceof MalformedValueError ? error.message : String(error));
      }
      values[name] = value as WireValue;
    }
    return { values, uncarried: reply.uncarried, omitted: reply.omitted };
  }

  /**
   * Runs a snippet; the code's own errors come back in `CodeOutput.error`. There is no deadline
   * here: `RuntimeExecutor` applies `timeoutSeconds` and kills the session; its `pauseTimeout`
   * reaches the tools the code calls.
   */
  async run(code: string, options: Pick<ToolCallOptions, "pauseTimeout"> = {}): Promise<CodeOutput> {
    this.#pauseTimeout = options.pauseTimeout;
    let reply: Reply;
    try {
      reply = await this.#request("run", (id) => ({ type: "run", id, code }));
    } finally {
      this.#pauseTimeout = undefined;
    }
    if (reply.type === "ack" || reply.type === "variables")
      throw this.#violation(`an ${reply.type} where a result was expected`);
    const logs = truncateContent(reply.logs + this.#takeStray(), this.#maxPrintOutputsLength);
    if (reply.type === "error") {
      return { output: null, logs, isFinalAnswer: false, error: boundedError(reply.error) };
    }
    let output: unknown;
    try {
      output = fromWireValue(reply.output);
    } catch (error) {
      throw this.#violation(error instanceof MalformedValueError ? error.message : String(error));
    }
    return { output, logs, isFinalAnswer: reply.isFinalAnswer };
  }

  /** Stray output received since the last run, for a caller that reports it elsewhere. */
  takeStrayOutput(): string {
    return this.#takeStray();
  }

  /** Kills the runtime. Safe to call twice. */
  async kill(reason = "killed by the host"): Promise<void> {
    this.#finish({ reason, errorType: DEFAULT_ERROR_TYPE, violation: false });
    await this.#transport.kill();
  }

  // ---- requests

  #request(kind: PendingRequest["kind"], build: (id: string) => HostMessage): Promise<Reply> {
    const next = this.#queue.then(
      () =>
        new Promise<Reply>((resolve, reject) => {
          if (this.#end) {
            reject(endedError(this.#end));
            return;
          }
          this.#requestCount += 1;
          const id = `r${this.#requestCount}`;
          const message = build(id);
          const line = JSON.stringify(message);
          let deadline: NodeJS.Timeout | undefined;
          const settle = () => clearTimeout(deadline);
          this.#pending = {
            id,
            kind,
            resolve: (reply) => {
              settle();
              resolve(reply);
            },
            reject: (error) => {
              settle();
              reject(error);
            },
          };
          if (kind !== "run") {
            // The clock starts with the request's turn, when the runtime is idle.
            const milliseconds = kind === "ack" ? ackDeadlineMs(line.length) : VARIABLES_DEADLINE_MS;
            deadline = setTimeout(() => {
              this.#finish({
                reason: `the runtime did not ${kind === "ack" ? "acknowledge" : "answer"} ${message.type} within ${(milliseconds / 1000).toFixed(1)} s and was stopped`,
                errorType: DEFAULT_ERROR_TYPE,
                violation: true,
              });
              void this.#transport.kill();
            }, milliseconds);
          }
          this.#sendLine(line).catch(async () => {
            // A write fails when the runtime is gone but its death is not processed yet: make
            // sure it is dead, then report why it died rather than the broken pipe.
            void this.#transport.kill();
            const end = await this.#ended;
            if (this.#pending?.id === id) this.#pending = undefined;
            reject(endedError(end));
          });
        }),
    );
    // The next request waits for this one to settle, whatever its outcome.
    this.#queue = next.catch(() => undefined);
    return next.then((reply) => {
      if (kind !== "run" && reply.type === "error") {
        const error = boundedError(reply.error);
        throw new ExecutorError(`The Python runtime refused the request: ${error.type}: ${error.message}`);
      }
      return reply;
    });
  }

  async #send(message: HostMessage): Promise<void> {
    await this.#sendLine(JSON.stringify(message));
  }

  async #sendLine(line: string): Promise<void> {
    if (this.#end) throw endedError(this.#end);
    await this.#transport.writeLine(line);
  }

  // ---- reading

  #read(): void {
    const consume = async () => {
      try {
        for await (const line of this.#transport.lines) {
          if (this.#end) continue; // drain, but a dead session reads nothing more
          // One line at a time: a long line is checked a slice at a time (see parseRuntimeLine),
          // and the lines behind it wait in the transport's bounded backlog.
          await this.#handleLine(line);
        }
      } catch (error) {
        this.#finish({
          reason: `reading the runtime's output failed: ${String(error)}`,
          errorType: DEFAULT_ERROR_TYPE,
          violation: false,
        });
      }
      const closed = await this.#transport.closed;
      this.#finish({
        reason: closed.reason,
        errorType: closed.errorType ?? DEFAULT_ERROR_TYPE,
        violation: false,
      });
    };
    void consume();
    // A transport whose lines never end after the runtime is gone must not hang us forever.
    void this.#transport.closed.then((closed) =>
      setTimeout(
        () =>
          this.#finish({
            reason: closed.reason,
            errorType: closed.errorType ?? DEFAULT_ERROR_TYPE,
            violation: false,
          }),
        100,
      ).unref(),
    );
  }

  async #handleLine(line: string): Promise<void> {
    const parsed = await parseRuntimeLine(line, this.#prefix);
    if (this.#end) return;
    if (parsed.kind === "stray") {
      this.#addStray(line);
      return;
    }
    if (parsed.kind === "invalid") {
      this.#violation(parsed.problem);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case "ready":
        if (!this.#onReady) return void this.#violation("a second ready message");
        this.#onReady(message);
        this.#onReady = undefined;
        return;
      case "fatal":
        this.#finish({
          reason: `the runtime gave up: ${truncateContent(message.message, MAX_ERROR_TEXT_LENGTH)}`,
          errorType: DEFAULT_ERROR_TYPE,
          violation: false,
        });
        void this.#transport.kill();
        return;
      case "tool_call":
        if (this.#pending?.kind !== "run") return void this.#violation("a tool call outside a run");
        if (this.#answering) return void this.#violation("a second tool call while one was being answered");
        if (this.#unconfirmedAnswers >= MAX_UNCONFIRMED_ANSWERS)
          return void this.#violation("tool calls while the host's answers to earlier ones were not read");
        void this.#answerToolCall(message);
        return;
      default: {
        const pending = this.#pending;
        if (!pending || pending.id !== message.id)
          return void this.#violation(`an unexpected ${message.type} for request ${message.id}`);
        if (message.type !== "error" && message.type !== EXPECTED_REPLY[pending.kind])
          return void this.#violation(`a ${message.type} where ${EXPECTED_REPLY[pending.kind]} was expected`);
        this.#pending = undefined;
        pending.resolve(message);
      }
    }
  }

  #addStray(line: string): void {
    // Bounded: a guest that floods its real stdout must not exhaust the host's memory.
    const limit = this.#maxPrintOutputsLength * 2;
    this.#stray += `${line}\n`;
    if (this.#stray.length > limit * 2) this.#stray = truncateContent(this.#stray, limit);
  }

  #takeStray(): string {
    const stray = this.#stray;
    this.#stray = "";
    return stray;
  }

  #strayHint(): string {
    const stray = this.#stray.trim();
    return stray ? ` Its output:\n${truncateContent(stray, 2_000)}` : "";
  }

  // ---- tools

  async #answerToolCall(call: Extract<RuntimeMessage, { type: "tool_call" }>): Promise<void> {
    this.#answering = true;
    let reply: HostMessage;
    try {
      reply = await answerToolCall(this.#tools, call, {
        signal: this.#toolAbort.signal,
        pauseTimeout: this.#pauseTimeout,
      });
    } catch (error) {
      // Only an undecodable argument gets here: the runtime sent a malformed value.
      this.#violation(error instanceof MalformedValueError ? error.message : String(error));
      return;
    } finally {
      // The answer is on its way: the runtime may make its next call as soon as it reads it, which
      // can be before the transport confirms the write (a remote sandbox's stdin is an RPC).
      this.#answering = false;
    }
    if (this.#end) return;
    this.#unconfirmedAnswers += 1;
    try {
      await this.#send(reply);
    } catch {
      // A dead transport is reported through `ended`.
    } finally {
      this.#unconfirmedAnswers -= 1;
    }
  }

  // ---- ending

  #violation(problem: string): ExecutorError {
    const end: SessionEnd = {
      reason: `the runtime broke the protocol (${truncateContent(problem, MAX_PROBLEM_LENGTH)})`,
      errorType: DEFAULT_ERROR_TYPE,
      violation: true,
    };
    this.#finish(end);
    void this.#transport.kill();
    return endedError(this.#end ?? end);
  }

  #finish(end: SessionEnd): void {
    if (this.#end) return;
    this.#end = end;
    this.#toolAbort.abort(new ExecutorError(`The Python runtime stopped: ${end.reason}`));
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(endedError(end));
    this.#resolveEnded(end);
  }
}

function endedError(end: SessionEnd): ExecutorError {
  return new ExecutorError(`The Python runtime stopped: ${end.reason}`);
}

/** The runtime's error with its texts cut to `MAX_ERROR_TEXT_LENGTH`, as the runtime cuts its own. */
function boundedError(error: CodeError): CodeError {
  return {
    ...error,
    message: truncateContent(error.message, MAX_ERROR_TEXT_LENGTH),
    ...(error.traceback === undefined
      ? {}
      : { traceback: truncateContent(error.traceback, MAX_ERROR_TEXT_LENGTH) }),
  };
}
