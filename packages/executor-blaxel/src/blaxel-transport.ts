import { initialize, SandboxInstance, settings } from "@blaxel/core";
import { ExecutorError } from "@smol/core";
import {
  LineChannel,
  orderedWriter,
  ownedSandboxRemoval,
  type RemovalRequest,
  type RuntimeTransport,
} from "@smol/core/executor-kit";
import { describeBlaxelStartError } from "./blaxel-errors.js";
import { bootstrapPayload, bootstrapShellCommand } from "./bootstrap.js";

export interface BlaxelSandboxSettings {
  apiKey: string;
  workspace: string;
  name: string;
  image: string;
  memory?: number;
  region?: string;
  ttl?: string;
}

export interface BlaxelRuntimeOptions {
  sandbox: BlaxelSandboxSettings;
  runtimeSource: string;
  signal?: AbortSignal;
  /** Told the sandbox's name as soon as it exists, and `undefined` once it is deleted. */
  onSandbox?: (name: string | undefined) => void;
}

/** The name of the runtime's process inside its sandbox. */
const PROCESS_NAME = "smol-runtime";
const STDERR_TAIL_LENGTH = 4_000;

/**
 * Creates a Blaxel sandbox, starts the runtime in it as a process with a stdin pipe, and
 * returns a transport over that process: `writeStdin` carries the host's lines, the process's
 * log stream the runtime's (one log line per output line; stderr joins as stray output). One
 * sandbox per runtime: `kill()` deletes the sandbox.
 */
export async function startBlaxelRuntime(options: BlaxelRuntimeOptions): Promise<RuntimeTransport> {
  options.signal?.throwIfAborted();
  const { sandbox: wanted } = options;
  // The SDK keeps its credentials process-wide: point them at this executor's before each call
  // that creates, keeping whatever else the application configured.
  initialize({ ...settings.config, apiKey: wanted.apiKey, workspace: wanted.workspace });
  // Taken now, while the settings hold this executor's credentials.
  const removalRequest: RemovalRequest = {
    method: "DELETE",
    url: `${settings.baseUrl}/sandboxes/${encodeURIComponent(wanted.name)}`,
    headers: settings.headers,
  };
  let sandbox: SandboxInstance;
  try {
    sandbox = await SandboxInstance.create({
      name: wanted.name,
      image: wanted.image,
      ...(wanted.memory !== undefined ? { memory: wanted.memory } : {}),
      ...(wanted.region !== undefined ? { region: wanted.region } : {}),
      ...(wanted.ttl !== undefined ? { ttl: wanted.ttl } : {}),
      labels: { "smol.executor": "1" },
    });
  } catch (error) {
    throw describeBlaxelStartError(error, wanted.image);
  }
  options.onSandbox?.(wanted.name);

  const deleteSandbox = ownedSandboxRemoval({
    remove: () => sandbox.delete(),
    removalRequest,
    onRemoved: () => options.onSandbox?.(undefined),
  });
  const onAbort = () => void deleteSandbox();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  let overflowReason: string | undefined;
  let killedByHost = false;
  let stderrTail = "";
  let streamError: string | undefined;
  const lines = new LineChannel({
    onOverflow: (length) => {
      overflowReason = `the runtime in the Blaxel sandbox wrote a line of more than ${length} bytes, over the protocol's limit`;
      void deleteSandbox();
    },
  });

  let logs: { close(): void; wait(): Promise<void> };
  try {
    await sandbox.process.exec({
      command: bootstrapShellCommand(),
      name: PROCESS_NAME,
      stdin: true,
      waitForCompletion: false,
    });
    // The log stream replays the output so far, then follows the process until it ends.
    logs = sandbox.process.streamLogs(PROCESS_NAME, {
      onStdout: (line) => lines.write(`${line}\n`),
      onStderr: (line) => {
        stderrTail = `${stderrTail}${line}\n`.slice(-STDERR_TAIL_LENGTH);
        lines.write(`${line}\n`);
      },
      onError: (error) => {
        streamError = error.message;
      },
    });
    await sandbox.process.writeStdin(PROCESS_NAME, bootstrapPayload(options.runtimeSource));
    options.signal?.throwIfAborted();
  } catch (error) {
    await deleteSandbox();
    if (options.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ExecutorError(
      `BlaxelExecutor: the sandbox started but the runtime could not (${message}). The image "${wanted.image}" must have python3 on its PATH.`,
      { cause: error },
    );
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }

  let resolveKilled!: () => void;
  const killed = new Promise<void>((resolve) => {
    resolveKilled = resolve;
  });
  const closed = Promise.race([logs.wait(), killed]).then(async () => {
    lines.end();
    if (overflowReason) {
      await deleteSandbox();
      return { reason: overflowReason };
    }
    if (killedByHost) return { reason: "the Blaxel sandbox was deleted by the host" };
    const status = await sandbox.process
      .get(PROCESS_NAME)
      .then((process) => `ended (${process.status}, exit code ${process.exitCode})`)
      .catch(() => (streamError ? `stopped: ${streamError}` : "stopped (the sandbox is gone)"));
    void deleteSandbox();
    const tail = stderrTail.trim() ? `; its last error output:\n${stderrTail.trim()}` : "";
    return { reason: `the runtime in the Blaxel sandbox ${status}${tail}` };
  });

  const write = orderedWriter(async (line: string) => {
    try {
      await sandbox.process.writeStdin(PROCESS_NAME, `${line}\n`);
    } catch (error) {
      throw new ExecutorError("BlaxelExecutor: could not write to the runtime in the sandbox", {
        cause: error,
      });
    }
  });

  return {
    lines,
    closed,
    writeLine: write,
    kill: async () => {
      killedByHost = true;
      await deleteSandbox();
      logs.close();
      resolveKilled();
      await closed;
    },
  };
}
