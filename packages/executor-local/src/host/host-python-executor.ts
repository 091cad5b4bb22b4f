import type { PythonExecutorOptions } from "@smol/core";
import {
  RuntimeExecutor,
  type RuntimeTransport,
  runtimeSourcePath,
  spawnRuntimeProcess,
} from "@smol/core/executor-kit";

/** Options of `HostPythonExecutor`. */
export interface HostPythonExecutorOptions extends PythonExecutorOptions {
  /** The interpreter to run; default `python3` (looked up on `PATH`). A virtualenv's python works. */
  pythonPath?: string;
  /** Working directory of the Python process; default the host's current directory. */
  cwd?: string;
  /**
   * Extra environment variables for the Python process. By default it gets only what finding
   * Python and its packages needs (`PATH`, `HOME`, locale, virtualenv/pyenv/conda variables),
   * never the host's secrets.
   */
  env?: Record<string, string>;
  /** Do not print the warning that this executor is not a sandbox. */
  suppressSandboxWarning?: boolean;
}

/** Host variables that locate Python and its packages; nothing else of the host's environment is passed. */
const PASSED_ENVIRONMENT =
  /^(PATH|HOME|USER|LANG|LC_[A-Z]+|TZ|TMPDIR|TEMP|TMP|SYSTEMROOT|VIRTUAL_ENV|CONDA_PREFIX|PYENV_ROOT|PYENV_VERSION|PYTHONPATH|PYTHONHOME)$/;

let warned = false;

/**
 * Runs the model's code in the host's own `python3`, as a subprocess speaking the smol runtime
 * protocol — for code that needs native packages Pyodide lacks.
 *
 * **This is not a sandbox.** The code runs with your user's rights: it can read and write your
 * files, use the network and start processes (the import allow-list is a courtesy, not a
 * boundary). Use it only for trusted models and tasks; prefer `LocalPythonExecutor` (Pyodide in a
 * permissionless Deno process) or a Docker/E2B/Blaxel executor otherwise. The first construction
 * in a process emits a warning saying so, unless `suppressSandboxWarning` is set.
 *
 * What it does protect: the host's environment variables (API keys) are not passed to Python,
 * tools stay on the host, and a run that exceeds `timeoutSeconds` kills the whole process group.
 *
 * @example
 * await using executor = new HostPythonExecutor({ additionalAuthorizedImports: ["numpy.*"] });
 * const { output } = await executor.run("import numpy as np\nint(np.arange(10).sum())"); // 45
 */
export class HostPythonExecutor extends RuntimeExecutor {
  readonly executorType = "python";
  readonly pythonPath: string;

  constructor(options: HostPythonExecutorOptions = {}) {
    const pythonPath = options.pythonPath ?? "python3";
    const self: { executor?: HostPythonExecutor } = {};
    super({
      ...options,
      name: "HostPythonExecutor",
      // Restarts use the interpreter the first runtime reported (`sys.executable`): launchers
      // such as pyenv shims can take a second to find it again.
      createTransport: (signal) =>
        startHostPython(self.executor?.runtimeInfo?.executable || pythonPath, options, signal),
    });
    self.executor = this;
    this.pythonPath = pythonPath;
    if (!options.suppressSandboxWarning && !warned) {
      warned = true;
      process.emitWarning(
        "HostPythonExecutor runs model-written code in your own python3 with your user's rights: it is not a sandbox. " +
          "Use LocalPythonExecutor (the default) or a Docker/E2B/Blaxel executor for untrusted code. " +
          "Pass { suppressSandboxWarning: true } to silence this warning.",
        { code: "SMOL_HOST_PYTHON_NOT_SANDBOXED" },
      );
    }
  }
}

function startHostPython(
  pythonPath: string,
  options: HostPythonExecutorOptions,
  signal: AbortSignal | undefined,
): Promise<RuntimeTransport> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && PASSED_ENVIRONMENT.test(name)) env[name] = value;
  }
  Object.assign(
    env,
    { PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
    options.env,
  );
  return spawnRuntimeProcess({
    command: pythonPath,
    args: ["-u", runtimeSourcePath()],
    env,
    cwd: options.cwd,
    signal,
    label: `python (${pythonPath})`,
  });
}
