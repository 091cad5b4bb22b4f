import type { Tool } from "../tools/tool.js";

/** A failure of the model's code: normal, and reported as data (an observation for the model). */
export interface CodeError {
  /** Python exception class name, e.g. `ZeroDivisionError`, `ImportError`, `TimeoutError`. */
  type: string;
  message: string;
  /** 1-based line in the model's snippet, when known. */
  line?: number;
  traceback?: string;
}

export interface CodeOutput {
  /** The final answer when `isFinalAnswer`, else the value of the last expression (or null). */
  output: unknown;
  /** Everything the code printed, truncated to `maxPrintOutputsLength`. */
  logs: string;
  isFinalAnswer: boolean;
  /** Set when the code raised: `output` is then null and `logs` keeps what was printed before. */
  error?: CodeError;
}

/**
 * Runs the model's Python code. Every executor (local Pyodide sandbox, host python3, Docker,
 * E2B, Blaxel) implements this; code errors come back as data in `CodeOutput.error`, and
 * exceptions are kept for broken infrastructure (`ExecutorError`).
 */
export interface PythonExecutor extends AsyncDisposable {
  /**
   * Starts the sandbox now instead of at the first run, so that it boots while the model thinks.
   * Optional: an executor without a start-up cost may leave it out.
   */
  start?(): Promise<void>;
  /** Defines each tool as a Python function that calls back to the host. Replaces earlier tools. */
  sendTools(tools: readonly Tool[]): Promise<void>;
  /** Makes these values Python globals (JSON-serializable values and tagged types). */
  sendVariables(variables: Record<string, unknown>): Promise<void>;
  run(code: string, options?: { signal?: AbortSignal }): Promise<CodeOutput>;
  /** Stops the sandbox and frees what it holds. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Options every executor understands. */
export interface PythonExecutorOptions {
  /** Modules the code may import beyond the base list; `"pkg.*"` allows submodules, `"*"` all. */
  additionalAuthorizedImports?: string[];
  /** Longest print output kept (head and tail, with a marker); default 50,000 characters. */
  maxPrintOutputsLength?: number;
  /** Wall-clock limit of one `run`; default 30 s. */
  timeoutSeconds?: number;
}
