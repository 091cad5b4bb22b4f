import type { Tool } from "../tools/tool.js";
import type { WireValue } from "./tagged-values.js";

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
  /**
   * The globals the code defined (numbers, strings, lists, dicts, tuples, sets, bytes, dates …),
   * for a saved session; tools and the runtime's own names are left out. Optional: an executor
   * without it cannot save Python variables (a snapshot then says so).
   */
  getVariables?(): Promise<PythonVariables>;
  /** Stops the sandbox and frees what it holds. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** A global the runtime could not save, and why (a module, a function, an open file, …). */
export interface UncarriedVariable {
  name: string;
  /** The Python type, e.g. `module`, `function`, `_io.TextIOWrapper`. */
  pythonType: string;
  reason: string;
}

/**
 * The Python globals the code defined, as `getVariables` gives them: each value in its wire
 * encoding (JSON with tagged values, which `sendVariables` takes back as they are through
 * `encodedValue`), and the names that could not be carried.
 */
export interface PythonVariables {
  values: Record<string, WireValue>;
  uncarried: UncarriedVariable[];
  /** Names not carried beyond the ones listed (the list is capped). */
  omitted: number;
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
