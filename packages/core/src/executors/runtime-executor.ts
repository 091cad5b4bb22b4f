import { ExecutorError } from "../errors.js";
import { isValidIdentifier } from "../tools/python-names.js";
import type { Tool } from "../tools/tool.js";
import { authorizedImports } from "./authorized-imports.js";
import { PausableDeadline } from "./pausable-deadline.js";
import type {
  CodeOutput,
  PythonExecutor,
  PythonExecutorOptions,
  PythonVariables,
} from "./python-executor.js";
import { type RuntimeInfo, RuntimeSession, type SessionEnd } from "./runtime-session.js";
import { toWireValue, type WireValue } from "./tagged-values.js";
import type { RuntimeTransportFactory } from "./transport.js";
import { DEFAULT_MAX_PRINT_OUTPUTS_LENGTH } from "./truncate.js";

/** Default of `timeoutSeconds`. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** Options of `RuntimeExecutor`: the common ones plus how to get a transport. */
export interface RuntimeExecutorOptions extends PythonExecutorOptions {
  /** Starts a fresh runtime: called lazily, and again after a timeout, a crash or a violation. */
  createTransport: RuntimeTransportFactory;
  /** Names the executor in error messages, e.g. `HostPythonExecutor`. */
  name?: string;
  /** How long to wait for a starting runtime to be ready; default 60 s. */
  startTimeoutSeconds?: number;
}

/**
 * A `PythonExecutor` over the smol Python runtime: executor packages only supply the transport.
 *
 * It starts the runtime lazily (or at `start()`, to pre-warm while the model thinks), defines
 * the tools and variables again after every restart, and enforces `timeoutSeconds`: on timeout
 * the runtime is killed and replaced, and the run returns a `TimeoutError` in `CodeOutput.error`
 * (the new runtime does not have the old one's variables). A runtime that crashes or breaks the
 * protocol during a run is handled the same way. Infrastructure that cannot start at all throws
 * `ExecutorError`. After `cleanup()` the executor may be used again: it starts a fresh runtime.
 *
 * @example
 * class MyExecutor extends RuntimeExecutor {
 *   constructor(options: PythonExecutorOptions = {}) {
 *     super({ ...options, name: "MyExecutor", createTransport: () => spawnRuntimeProcess({ command: "python3", args: ["-u", runtimeSourcePath()] }) });
 *   }
 * }
 * await using executor = new MyExecutor();
 * await executor.run("x = 2\nx * 21"); // { output: 42, logs: "", isFinalAnswer: false }
 */
export class RuntimeExecutor implements PythonExecutor {
  readonly name: string;
  readonly additionalAuthorizedImports: readonly string[];
  readonly maxPrintOutputsLength: number;
  /** Wall-clock limit of one run; `Infinity` (or 0) for none. */
  readonly timeoutSeconds: number;
  readonly #createTransport: RuntimeTransportFactory;
  readonly #startTimeoutSeconds: number;
  #session: RuntimeSession | undefined;
  #starting: Promise<RuntimeSession> | undefined;
  /** Sessions we ended on purpose (timeout, abort, cleanup): their death needs no notice. */
  readonly #discarded = new WeakSet<RuntimeSession>();
  #tools: Tool[] = [];
  #variables: Record<string, WireValue> = {};
  #notice = "";
  #generation = 0;
  #runtimeInfo: RuntimeInfo | undefined;
  #runs: Promise<unknown> = Promise.resolve();

  constructor(options: RuntimeExecutorOptions) {
    this.name = options.name ?? new.target.name;
    this.additionalAuthorizedImports = [...(options.additionalAuthorizedImports ?? [])];
    this.maxPrintOutputsLength = options.maxPrintOutputsLength ?? DEFAULT_MAX_PRINT_OUTPUTS_LENGTH;
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    this.#createTransport = options.createTransport;
    this.#startTimeoutSeconds = options.startTimeoutSeconds ?? 60;
    if (!(this.maxPrintOutputsLength > 0))
      throw new ExecutorError("maxPrintOutputsLength must be a positive number");
  }

  /** The full import allow-list the runtime enforces. */
  get authorizedImports(): string[] {
    return authorizedImports(this.additionalAuthorizedImports);
  }

  /** What the last runtime started reported about itself; undefined before the first start. */
  get runtimeInfo(): RuntimeInfo | undefined {
    return this.#runtimeInfo;
  }

  /** Starts the runtime now instead of at the first call. Concurrent calls share one start. */
  async start(): Promise<void> {
    await keepingProcessAlive(() => this.#ensureSession());
  }

  async sendTools(tools: readonly Tool[]): Promise<void> {
    for (const tool of tools) tool.validate();
    this.#tools = [...tools];
    const session = this.#liveSession();
    if (session)
      await keepingProcessAlive(() => this.#ignoreDeath(session, session.defineTools(this.#tools)));
  }

  async sendVariables(variables: Record<string, unknown>): Promise<void> {
    const encoded: Record<string, WireValue> = {};
    for (const [name, value] of Object.entries(variables)) {
      if (!isValidIdentifier(name)) {
        throw new ExecutorError(
          `Cannot send the variable ${JSON.stringify(name)}: it is not a valid Python variable name.`,
        );
      }
      encoded[name] = toWireValue(value);
    }
    this.#variables = { ...this.#variables, ...encoded };
    const session = this.#liveSession();
    if (session) await keepingProcessAlive(() => this.#ignoreDeath(session, session.setVariables(encoded)));
  }

  /**
   * The globals the code defined, asked of the runtime after the runs queued before (see
   * `PythonVariables`). Before the runtime starts, or while it restarts, they are the variables
   * sent, which the next runtime gets.
   */
  getVariables(): Promise<PythonVariables> {
    const turn = this.#runs.then(() =>
      keepingProcessAlive(async () => {
        const session = this.#liveSession();
        if (!session) return { values: { ...this.#variables }, uncarried: [], omitted: 0 };
        return await session.getVariables();
      }),
    );
    this.#runs = turn.catch(() => undefined);
    return turn;
  }

  run(code: string, options: { signal?: AbortSignal } = {}): Promise<CodeOutput> {
    // One run at a time, each on the runtime that is current when its turn comes (a run queued
    // behind one that times out goes to the replacement, and its clock starts with its turn).
    const turn = this.#runs.then(() => keepingProcessAlive(() => this.#runNow(code, options.signal)));
    this.#runs = turn.catch(() => undefined);
    return turn;
  }

  async #runNow(code: string, signal: AbortSignal | undefined): Promise<CodeOutput> {
    signal?.throwIfAborted();
    const session = await this.#ensureSession();
    const notice = this.#takeNotice();
    let expire = () => {};
    let onAbort: (() => void) | undefined;
    const limits = new Promise<{ kind: "timeout" | "aborted" }>((resolve) => {
      expire = () => resolve({ kind: "timeout" });
      onAbort = () => resolve({ kind: "aborted" });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    const deadline =
      this.timeoutSeconds > 0 && Number.isFinite(this.timeoutSeconds)
        ? new PausableDeadline(this.timeoutSeconds * 1000, expire)
        : undefined;
    // Tool calls that wait for a human's approval stop the clock meanwhile.
    const pauseTimeout = deadline && (<T>(wait: Promise<T>) => deadline.pauseWhile(wait));
    try {
      const outcome = await Promise.race([
        session.run(code, { pauseTimeout }).then(
          (output) => ({ kind: "output" as const, output }),
          (error: unknown) => ({ kind: "failed" as const, error }),
        ),
        limits,
      ]);
      switch (outcome.kind) {
        case "output":
          return { ...outcome.output, logs: notice + outcome.output.logs };
        case "timeout":
          await this.#discard(session, "the run timed out");
          return this.#failedRun(notice, session, {
            type: "TimeoutError",
            message:
              `Code execution exceeded the time limit of ${this.timeoutSeconds} seconds and was stopped. ` +
              "The Python runtime was restarted: variables, functions and imports from earlier steps are lost.",
          });
        case "aborted":
          await this.#discard(session, "the run was aborted");
          throw signal?.reason ?? new ExecutorError("The run was aborted");
      }
      const end = session.end;
      if (!end || this.#discarded.has(session)) throw outcome.error;
      await this.#discard(session, end.reason);
      return this.#failedRun(notice, session, { type: end.errorType, message: crashMessage(end) });
    } finally {
      deadline?.clear();
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Stops the runtime. Safe to call twice; a later call starts a fresh runtime. */
  cleanup(): Promise<void> {
    return keepingProcessAlive(() => this.#cleanupNow());
  }

  async #cleanupNow(): Promise<void> {
    this.#generation += 1;
    const starting = this.#starting;
    const session = this.#session;
    this.#session = undefined;
    this.#starting = undefined;
    this.#notice = "";
    if (session) {
      this.#discarded.add(session);
      await session.kill("the executor was cleaned up");
    }
    // A start in flight finishes into a session nobody will use: stop it too.
    const late = await starting?.catch(() => undefined);
    if (late) {
      this.#discarded.add(late);
      await late.kill("the executor was cleaned up");
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cleanup();
  }

  // ---- sessions

  #liveSession(): RuntimeSession | undefined {
    return this.#session && !this.#session.end ? this.#session : undefined;
  }

  async #ensureSession(): Promise<RuntimeSession> {
    const live = this.#liveSession();
    if (live) return live;
    if (this.#session) {
      const dead = this.#session;
      this.#session = undefined;
      if (!this.#discarded.has(dead) && dead.end) {
        this.#notice =
          `[The Python runtime stopped after the previous run (${dead.end.reason}) and was restarted: ` +
          "variables, functions and imports from earlier steps are lost.]\n";
      }
    }
    if (!this.#starting) {
      const generation = this.#generation;
      const starting = this.#startSession().then((session) => {
        if (generation === this.#generation) this.#session = session;
        return session;
      });
      this.#starting = starting;
      void starting.then(
        () => this.#clearStarting(starting),
        () => this.#clearStarting(starting),
      );
    }
    return await this.#starting;
  }

  #clearStarting(starting: Promise<RuntimeSession>): void {
    if (this.#starting === starting) this.#starting = undefined;
  }

  async #startSession(): Promise<RuntimeSession> {
    let transport: Awaited<ReturnType<RuntimeTransportFactory>>;
    try {
      transport = await this.#createTransport();
    } catch (error) {
      if (ExecutorError.isInstance(error)) throw error;
      throw new ExecutorError(`${this.name} could not start its Python runtime: ${describe(error)}`, {
        cause: error,
      });
    }
    const session = await RuntimeSession.start(transport, {
      authorizedImports: this.authorizedImports,
      maxPrintOutputsLength: this.maxPrintOutputsLength,
      startTimeoutSeconds: this.#startTimeoutSeconds,
    });
    this.#runtimeInfo = session.info;
    try {
      if (this.#tools.length > 0) await session.defineTools(this.#tools);
      if (Object.keys(this.#variables).length > 0) await session.setVariables(this.#variables);
    } catch (error) {
      await session.kill("setting up tools and variables failed");
      throw error;
    }
    return session;
  }

  /** Kills a session on purpose and pre-warms the next one. */
  async #discard(session: RuntimeSession, reason: string): Promise<void> {
    this.#discarded.add(session);
    await session.kill(reason);
    if (this.#session === session) this.#session = undefined;
    void this.#ensureSession().catch(() => undefined); // the next run reports a failed start
  }

  /** A request to a session that dies meanwhile is re-sent at the restart: not an error. */
  async #ignoreDeath(session: RuntimeSession, request: Promise<void>): Promise<void> {
    try {
      await request;
    } catch (error) {
      if (!session.end) throw error;
    }
  }

  #failedRun(notice: string, session: RuntimeSession, error: CodeOutput["error"] & object): CodeOutput {
    return { output: null, logs: notice + session.takeStrayOutput(), isFinalAnswer: false, error };
  }

  #takeNotice(): string {
    const notice = this.#notice;
    this.#notice = "";
    return notice;
  }
}

function crashMessage(end: SessionEnd): string {
  const what = end.violation ? "was stopped" : "stopped";
  return (
    `The Python runtime ${what} while running this code: ${end.reason}. ` +
    "It was restarted: variables, functions and imports from earlier steps are lost."
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Transports unref their pipes so that an idle executor never keeps Node running; while the host
 * waits for the runtime, though, a script whose only pending work is that wait (top-level await)
 * must not exit under it. This holds the event loop open for the duration of `work`.
 */
async function keepingProcessAlive<T>(work: () => Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    return await work();
  } finally {
    clearInterval(keepAlive);
  }
}
