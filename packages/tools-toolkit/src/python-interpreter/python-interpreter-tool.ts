import {
  type CodeOutput,
  createExecutor,
  type ExecutorType,
  type PythonExecutor,
  Tool,
  type ToolCallOptions,
  type ToolOutputType,
} from "@smol/core";
import { authorizedImports } from "@smol/core/executor-kit";

/** Options of `PythonInterpreterTool`. */
export interface PythonInterpreterToolOptions {
  /** Modules the code may import besides the base ones (`"numpy"`, `"pandas.*"`). */
  authorizedImports?: string[];
  /**
   * The sandbox: `"local"` (default: `LocalPythonExecutor` from `@smol/executor-local`, Pyodide in
   * a permissionless Deno process) or any other `executorType`, loaded on demand.
   */
  executorType?: ExecutorType;
  /** Extra options for the executor (`memoryLimitMb`, `cacheDir`, …). */
  executorOptions?: Record<string, unknown>;
  /** Wall-clock limit of one run, in seconds; default the executor's (30 s). */
  timeoutSeconds?: number;
  /** Builds the executor instead of `executorType`; each call gets a new one. */
  createExecutor?: () => PythonExecutor | Promise<PythonExecutor>;
}

/**
 * `python_interpreter(code)`: runs Python in a sandbox and returns what it printed and the value
 * of its last expression, as `Stdout:\n…\nOutput: …`. Each call starts from a fresh interpreter,
 * so nothing carries over between calls. A Python error comes back as text after the output
 * printed before it. Added by `addBaseTools` to ToolCallingAgents (a CodeAgent runs code itself).
 *
 * The sandbox comes from `@smol/executor-local`, an optional peer dependency: without it the
 * first call fails with a `MissingPackageError` naming the package.
 *
 * @example
 * const python = new PythonInterpreterTool({ authorizedImports: ["numpy"] });
 * await python.call({ code: "print('hi')\n6 * 7" }); // "Stdout:\nhi\n\nOutput: 42"
 */
export class PythonInterpreterTool extends Tool {
  name = "python_interpreter";
  description: string;
  inputs: { code: { type: "string"; description: string } };
  outputType: ToolOutputType = "string";

  /** The full allow-list of imports (the base modules plus `authorizedImports`). */
  readonly authorizedImports: string[];
  readonly #options: PythonInterpreterToolOptions;

  constructor(options: PythonInterpreterToolOptions = {}) {
    super();
    this.#options = options;
    this.authorizedImports = authorizedImports(options.authorizedImports ?? []);
    const allowed = this.authorizedImports.join(", ");
    this.description =
      "Runs Python code and returns what it printed and the value of its last expression. Use it for calculations " +
      `and data processing. Every call starts from a fresh interpreter: define what you need in the same code. Modules you can import: ${allowed}.`;
    this.inputs = {
      code: {
        type: "string",
        description: `The Python code to run. Only these modules can be imported: ${allowed}.`,
      },
    };
  }

  async forward({ code }: { code: string }, options: ToolCallOptions = {}): Promise<string> {
    const executor = await this.#newExecutor();
    try {
      return formatRun(await executor.run(code, { signal: options.signal }));
    } finally {
      await executor.cleanup();
    }
  }

  #newExecutor(): Promise<PythonExecutor> {
    const options = this.#options;
    if (options.createExecutor) return Promise.resolve(options.createExecutor());
    return createExecutor(options.executorType ?? "local", {
      ...options.executorOptions,
      additionalAuthorizedImports: options.authorizedImports ?? [],
      ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
    });
  }
}

/** `Stdout:\n<printed>\nOutput: <value>`, or the error in place of the output. */
export function formatRun(result: CodeOutput): string {
  const stdout = `Stdout:\n${result.logs}`;
  if (result.error) {
    const where = result.error.line === undefined ? "" : ` (line ${result.error.line})`;
    return `${stdout}\nError${where}: ${result.error.type}: ${result.error.message}`;
  }
  return `${stdout}\nOutput: ${pythonText(result.output)}`;
}

/** A value as Python would print it, near enough for the model: `None`, `True`, lists as JSON. */
function pythonText(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
