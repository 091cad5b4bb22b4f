import { randomBytes } from "node:crypto";
import { ExecutorError, type PythonExecutorOptions } from "@smol/core";
import { RuntimeExecutor, readRuntimeSource } from "@smol/core/executor-kit";
import { type BlaxelSandboxSettings, startBlaxelRuntime } from "./blaxel-transport.js";

/** The image used when none is given: Blaxel's Python sandbox image. */
export const DEFAULT_BLAXEL_IMAGE = "blaxel/py-app:latest";

export interface BlaxelExecutorOptions extends PythonExecutorOptions {
  /** Your Blaxel API key; default the `BL_API_KEY` environment variable. */
  apiKey?: string;
  /** Your Blaxel workspace; default the `BL_WORKSPACE` environment variable. */
  workspace?: string;
  /** The sandbox image; it needs python3. Default `blaxel/py-app:latest`. */
  image?: string;
  /** The sandbox's memory in MB (Blaxel's default: 4096). */
  memory?: number;
  /** Where the sandbox runs, e.g. `us-pdx-1`; default `BL_REGION`, else Blaxel's choice. */
  region?: string;
  /** How long the sandbox may live before Blaxel deletes it, e.g. `"1h"`; `cleanup()` deletes it earlier. */
  ttl?: string;
  /**
   * The sandbox's name; default `smol-<random>`. A sandbox that replaces it (after a timeout or a
   * crash) gets the name with `-2`, `-3`, … appended.
   */
  sandboxName?: string;
  /** How long to wait for a new sandbox's runtime to be ready; default 60 s. */
  startTimeoutSeconds?: number;
}

/**
 * Runs the model's Python code in a Blaxel sandbox (a microVM). The smol runtime enters through
 * the stdin pipe of a sandbox process (no file upload) and answers on the process's log stream;
 * tools stay on the host and are called back over the protocol, so no tool code and no secret
 * enters the sandbox.
 *
 * One sandbox per runtime, created at the first call (or `start()`) and reused across runs; a
 * run that times out deletes the sandbox and the next run gets a fresh one. `cleanup()` (or
 * `await using`) deletes it. The `@blaxel/core` SDK keeps its credentials process-wide: the
 * executor sets them (with `initialize`) before each sandbox it creates.
 *
 * @example
 * import { BlaxelExecutor } from "@smol/executor-blaxel";
 *
 * await using executor = new BlaxelExecutor({ workspace: "my-team", region: "us-pdx-1" });
 * const result = await executor.run("sum(range(10))");
 * result.output; // 45
 */
export class BlaxelExecutor extends RuntimeExecutor {
  readonly executorType = "blaxel";
  #sandboxName: string | undefined;

  constructor(options: BlaxelExecutorOptions = {}) {
    const apiKey = options.apiKey ?? process.env.BL_API_KEY;
    const workspace = options.workspace ?? process.env.BL_WORKSPACE;
    if (!apiKey || !workspace) {
      const missing = [
        !apiKey && "an API key (`apiKey` or BL_API_KEY)",
        !workspace && "a workspace (`workspace` or BL_WORKSPACE)",
      ]
        .filter(Boolean)
        .join(" and ");
      throw new ExecutorError(
        `BlaxelExecutor: no Blaxel credentials: give ${missing}. Create an API key in the Blaxel console; the workspace is the name in its URL.`,
      );
    }
    const baseName = options.sandboxName ?? `smol-${randomBytes(4).toString("hex")}`;
    let started = 0;
    const self: { executor?: BlaxelExecutor } = {};
    super({
      ...options,
      name: "BlaxelExecutor",
      createTransport: (signal) => {
        started += 1;
        const sandbox: BlaxelSandboxSettings = {
          apiKey,
          workspace,
          name: started === 1 ? baseName : `${baseName}-${started}`,
          image: options.image ?? DEFAULT_BLAXEL_IMAGE,
          ...(options.memory !== undefined ? { memory: options.memory } : {}),
          ...(options.region !== undefined ? { region: options.region } : {}),
          ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
        };
        return startBlaxelRuntime({
          sandbox,
          runtimeSource: readRuntimeSource(),
          ...(signal ? { signal } : {}),
          onSandbox: (name) => {
            if (self.executor) self.executor.#sandboxName = name;
          },
        });
      },
    });
    self.executor = this;
  }

  /** The name of the sandbox running the runtime now, if any. */
  get sandboxName(): string | undefined {
    return this.#sandboxName;
  }
}
