import { ExecutorError, type PythonExecutorOptions } from "@smol/core";
import { RuntimeExecutor, readRuntimeSource } from "@smol/core/executor-kit";
import type { SandboxOpts } from "e2b";
import { startE2BRuntime } from "./e2b-transport.js";

/** The template used when none is given: E2B's base image, which has python3. */
export const DEFAULT_E2B_TEMPLATE = "base";

export interface E2BExecutorOptions extends PythonExecutorOptions {
  /** Your E2B API key; default the `E2B_API_KEY` environment variable. */
  apiKey?: string;
  /** The sandbox template (name or id); it needs python3. Default `base`. */
  template?: string;
  /**
   * How long the sandbox may live, in milliseconds, before E2B kills it (E2B's own default is
   * 5 minutes); `cleanup()` kills it earlier. After that the next run starts a new sandbox.
   */
  timeoutMs?: number;
  /**
   * Passed through to `Sandbox.create` (e.g. `apiUrl`, `domain`, `requestTimeoutMs`, `metadata`,
   * `allowInternetAccess`); `apiKey`, `template` and `timeoutMs` above take precedence. Do not
   * put secrets in `envs`: tools run on the host, the sandbox needs none.
   */
  sandboxOptions?: Omit<SandboxOpts, "apiKey" | "timeoutMs">;
  /** How long to wait for a new sandbox's runtime to be ready; default 60 s. */
  startTimeoutSeconds?: number;
}

/**
 * Runs the model's Python code in an E2B cloud sandbox (a Firecracker microVM). The smol runtime
 * enters through the stdin of a long-lived background process (no file upload); tools stay on
 * the host and are called back over the protocol, so no tool code and no secret enters the
 * sandbox — only the code the model wrote and the values it exchanges with the tools.
 *
 * One sandbox per runtime, created at the first call (or `start()`) and reused across runs; a
 * run that times out kills the sandbox and the next run gets a fresh one. `cleanup()` (or
 * `await using`) kills it.
 *
 * @example
 * import { E2BExecutor } from "@smol/executor-e2b";
 *
 * await using executor = new E2BExecutor({ apiKey: process.env.E2B_API_KEY, template: "base" });
 * const result = await executor.run("import math\nmath.sqrt(2)");
 * result.output; // 1.4142135623730951
 */
export class E2BExecutor extends RuntimeExecutor {
  readonly executorType = "e2b";
  #sandboxId: string | undefined;

  constructor(options: E2BExecutorOptions = {}) {
    const apiKey = options.apiKey ?? process.env.E2B_API_KEY;
    if (!apiKey) {
      throw new ExecutorError(
        "E2BExecutor: no E2B API key. Pass `apiKey` or set the E2B_API_KEY environment variable (create a key at https://e2b.dev/dashboard?tab=keys).",
      );
    }
    const template = options.template ?? DEFAULT_E2B_TEMPLATE;
    const sandboxOptions: SandboxOpts = {
      ...options.sandboxOptions,
      apiKey,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    const self: { executor?: E2BExecutor } = {};
    super({
      ...options,
      name: "E2BExecutor",
      createTransport: (signal) =>
        startE2BRuntime({
          template,
          sandboxOptions,
          runtimeSource: readRuntimeSource(),
          ...(signal ? { signal } : {}),
          onSandbox: (sandboxId) => {
            if (self.executor) self.executor.#sandboxId = sandboxId;
          },
        }),
    });
    self.executor = this;
  }

  /** The id of the sandbox running the runtime now, if any (for the E2B dashboard and logs). */
  get sandboxId(): string | undefined {
    return this.#sandboxId;
  }
}
